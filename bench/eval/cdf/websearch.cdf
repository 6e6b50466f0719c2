# Web search flow sizes (DCTCP measurement, as published in traffic generators).
# Lines: SIZE_BYTES CUMULATIVE_PROBABILITY, strictly increasing sizes, probabilities
# non-decreasing in (0, 1], the last exactly 1.  Flows drawn at or below the first
# probability take the first size; between points sizes are interpolated linearly.
10000 0.15
20000 0.2
30000 0.3
50000 0.4
80000 0.53
200000 0.6
1000000 0.7
2000000 0.8
5000000 0.9
10000000 0.97
30000000 1
