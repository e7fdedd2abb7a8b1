"""The model's lifecycle: training and held-out examples, evaluation, promotion of a trained
model, staff-labelled questions turned into training data, and the benchmarks."""
