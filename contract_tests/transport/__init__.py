"""The HTTP side: the client that sends and counts (it checks nothing), tokens, the control API. Imports core."""
