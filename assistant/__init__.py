"""Answer questions from the indexed programme documents, with verifiable citations."""
