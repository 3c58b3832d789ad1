"""The ways people reach the assistant: the command line and the Gradio app."""
