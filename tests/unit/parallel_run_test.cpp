#include "cli/parallel_run.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "ic/error.hpp"

namespace {

using cli::parallel_run_of;

TEST(ParallelRun, OneConfigIsASingleRun) {
    EXPECT_FALSE(parallel_run_of("backup", {"--config", "a.json", "--keep", "2"}));
    EXPECT_FALSE(parallel_run_of("backup", {}));
}

TEST(ParallelRun, SeveralConfigsRunSideBySideWithTheOtherFlags) {
    unsetenv("JUNO_JOBS");
    auto run = parallel_run_of("backup", {"--config", "a.json", "--keep", "2", "--config=b.json",
                                          "--no-overwrite", "--json"});
    ASSERT_TRUE(run);
    EXPECT_EQ(run->command, "backup");
    EXPECT_EQ(run->configs, (std::vector<std::string>{"a.json", "b.json"}));
    EXPECT_EQ(run->flags, (std::vector<std::string>{"--keep", "2", "--no-overwrite"}));
    EXPECT_TRUE(run->json);
    EXPECT_EQ(run->jobs, 16u);
}

TEST(ParallelRun, JobsFromTheFlagThenTheEnvironment) {
    setenv("JUNO_JOBS", "3", 1);
    EXPECT_EQ(parallel_run_of("status", {"--config", "a", "--config", "b"})->jobs, 3u);
    EXPECT_EQ(parallel_run_of("status", {"--config", "a", "--config", "b", "--jobs", "5"})->jobs,
              5u);
    setenv("JUNO_JOBS", "0", 1);
    EXPECT_THROW(parallel_run_of("status", {"--config", "a", "--config", "b"}), ic::Error);
    unsetenv("JUNO_JOBS");
    for (const char* bad : {"0", "65", "x", "", "-1"}) {
        EXPECT_THROW(parallel_run_of("status", {"--config", "a", "--config", "b", "--jobs", bad}),
                     ic::Error)
            << bad;
    }
}

TEST(ParallelRun, RefusesWhatNamesOneModuleOrOneRun) {
    EXPECT_THROW(parallel_run_of("backup", {"--config", "a", "--config", "b", "--canister", "x"}),
                 ic::Error);
    EXPECT_THROW(parallel_run_of("backup", {"--config", "a", "--jobs", "2"}), ic::Error);
    EXPECT_THROW(parallel_run_of("backup", {"--config", "a", "--config"}), ic::Error);
}

}  // namespace
