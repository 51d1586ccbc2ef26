"""Map rendering: packed numpy geometry, level-of-detail rasteriser, Qt painters, render jobs."""
