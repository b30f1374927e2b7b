"""Journey layer: journey phases, funnels, attribution, involvement levels, the value model per level,
the low vs high comparison and its findings. Imports journeylab.models, journeylab.data and the base modules."""
