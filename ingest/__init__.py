"""Turn the programme documents in ``corpus/`` into a searchable, citable index."""
