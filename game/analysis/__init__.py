"""Analysis of what the assistant did: the heuristic classifier engine lives in `classify`."""
