#!/usr/bin/env bash
# Runs Weir's JMH benchmarks and prints their results as the markdown table the README keeps
# (machine, JDK, date, records/s per contender, ratios); the table is also written to
# benchmarks/target/results.md and JMH's raw results to benchmarks/target/results.json.
#
#   benchmarks/run.sh                                   # everything, as annotated (the stateless ones: about 8 minutes on 2 cores)
#   benchmarks/run.sh InMemoryStateless -f 1 -wi 2 -i 3   # one benchmark, quickly
#   benchmarks/run.sh EndToEndStateless -p records=100000 # end to end on a smaller input
#
# Arguments go to JMH as they are (a benchmark regex, -f, -wi, -i, -p, -prof ...; -h lists them).
# SKIP_BUILD=1 reuses benchmarks/target/benchmarks.jar instead of building it first.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests
fi
jar=benchmarks/target/benchmarks.jar
results=benchmarks/target/results.json
java -jar "$jar" -rf json -rff "$results" "$@"
echo
java -cp "$jar" dev.weir.benchmarks.Report "$results" | tee benchmarks/target/results.md
