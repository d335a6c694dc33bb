// Peer core: under construction
