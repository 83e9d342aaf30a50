"""The performance benchmark: `make bench` (bench/run.sh) writes bench/RESULTS.md."""
