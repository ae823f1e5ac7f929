"""The core: the kb domain, findings, ids, page facts, configuration, hubs, JSON-LD."""
