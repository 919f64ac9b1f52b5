"""Tools Minato can call during a turn (web search, time, reminders, long-term memory, n8n workflows).

Each tool is a `FunctionTool` with a strict JSON schema; `Toolbox` keeps them in a fixed order and runs a
round of calls concurrently; `loop.run_tools` drives the Responses API until the model answers.
"""
