"""Pool: merge sentences that state one fact into a Fact crediting every source; families; the shared index."""
