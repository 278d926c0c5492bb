// ratio_reporter.h: the console reporter of ensign's benchmarks, which also keeps each run's
// items per second (the median with --benchmark_repetitions) so a benchmark can print, after
// the table, how its subject compares with the peer it measured in the same run.
#pragma once

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ensign::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // Rates maps a run's name ("BM_Verify_SevSnp/real_time") to its items per second.
  using Rates = std::map<std::string, double>;

  // RatioReporter calls `summarize` with the rates once every benchmark has run. Colours only on
  // a terminal, so redirected output stays plain text.
  explicit RatioReporter(std::function<void(const Rates&)> summarize)
      : ConsoleReporter(::isatty(STDOUT_FILENO) != 0 ? OO_Defaults : OO_Tabular),
        summarize_(std::move(summarize)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      // With --benchmark_repetitions, compare medians; otherwise the single runs.
      if (!run.aggregate_name.empty() && run.aggregate_name != "median") {
        continue;
      }
      auto rate = run.counters.find("items_per_second");
      if (rate != run.counters.end()) {
        rates_[run.run_name.str()] = rate->second.value;
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    summarize_(rates_);
  }

 private:
  std::function<void(const Rates&)> summarize_;
  Rates rates_;
};

// run_benchmarks is a benchmark's main: it runs the benchmarks the command line selects and then
// `summarize`.
inline int run_benchmarks(int argc, char** argv,
                          std::function<void(const RatioReporter::Rates&)> summarize) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter(std::move(summarize));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace ensign::bench
