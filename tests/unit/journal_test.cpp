#include "juno/journal.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "ic/error.hpp"
#include "juno/state_files.hpp"

namespace {

std::filesystem::path fresh_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("juno_journal_" + name);
    std::filesystem::remove_all(dir);
    return dir;
}

juno::JournalRecord sample() {
    juno::JournalRecord r;
    r.command = "upgrade";
    r.pid = 4242;
    r.started_at = 1795749266597000000;
    r.network = "http://127.0.0.1:4943";
    r.canister = "ryjl3-tyaaa-aaaaa-aaaba-cai";
    r.found.status = ic::management::CanisterRunState::Running;
    r.found.module_hash = ic::from_hex("aa01");
    r.found.version = 17;
    r.step = juno::Step::Install;
    r.stopped_by_helper = true;
    r.chunks_uploaded = true;
    ic::management::Snapshot point;
    point.id = ic::from_hex("000000000000000080000000001000000101");
    point.taken_at_timestamp = 1795749266000000000;
    point.total_size = 861;
    r.restore_point = point;
    r.may_replace = ic::from_hex("0102");
    r.new_module_hash = ic::from_hex("bb02");
    return r;
}

TEST(Journal, RoundTripsEveryField) {
    auto dir = fresh_dir("roundtrip");
    juno::Journal journal(dir / "m.journal.json");
    EXPECT_FALSE(journal.read()) << "no journal before the first write";
    journal.write(sample());
    auto back = journal.read();
    ASSERT_TRUE(back);
    EXPECT_EQ(back->command, "upgrade");
    EXPECT_EQ(back->pid, 4242);
    EXPECT_EQ(back->started_at, sample().started_at);
    EXPECT_EQ(back->network, sample().network);
    EXPECT_EQ(back->canister, sample().canister);
    EXPECT_EQ(back->found.status, ic::management::CanisterRunState::Running);
    EXPECT_EQ(back->found.module_hash, sample().found.module_hash);
    EXPECT_EQ(back->found.version, 17u);
    EXPECT_EQ(back->step, juno::Step::Install);
    EXPECT_TRUE(back->stopped_by_helper);
    EXPECT_TRUE(back->chunks_uploaded);
    ASSERT_TRUE(back->restore_point);
    EXPECT_EQ(back->restore_point->id, sample().restore_point->id);
    EXPECT_EQ(back->restore_point->total_size, 861u);
    EXPECT_EQ(back->may_replace, sample().may_replace);
    EXPECT_FALSE(back->snapshot);
    EXPECT_EQ(back->new_module_hash, sample().new_module_hash);
    EXPECT_FALSE(std::filesystem::exists(dir / "m.journal.json.tmp")) << "no temporary left";
    journal.clear();
    EXPECT_FALSE(journal.read());
}

TEST(Journal, EveryStepHasAName) {
    for (auto step : {juno::Step::Begin, juno::Step::UploadChunks, juno::Step::Stop,
                      juno::Step::TakeSnapshot, juno::Step::LoadSnapshot, juno::Step::Install,
                      juno::Step::Start, juno::Step::ClearChunkStore, juno::Step::DeleteSnapshot}) {
        EXPECT_EQ(juno::step_from_string(juno::to_string(step)), step);
    }
    EXPECT_FALSE(juno::step_from_string("explode"));
}

TEST(Journal, ADamagedJournalIsAnErrorNamingItNotSilence) {
    auto dir = fresh_dir("damaged");
    std::filesystem::create_directories(dir);
    for (const char* text :
         {"{ not json", "[]", "{\"journal\": 2}", "{\"journal\": 1, \"command\": \"upgrade\"}"}) {
        std::ofstream(dir / "m.journal.json") << text;
        try {
            juno::Journal(dir / "m.journal.json").read();
            FAIL() << "accepted: " << text;
        } catch (const ic::Error& error) {
            EXPECT_EQ(error.kind(), ic::ErrorKind::Usage);
            EXPECT_NE(std::string(error.what()).find("m.journal.json"), std::string::npos);
        }
    }
}

TEST(StateFiles, KeyNamesTheCanisterAndTheNetwork) {
    auto canister = ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-cai");
    EXPECT_EQ(juno::module_key(canister, "http://127.0.0.1:4943"),
              "ryjl3-tyaaa-aaaaa-aaaba-cai@127.0.0.1-4943");
    EXPECT_EQ(juno::module_key(canister, "https://icp-api.io/"),
              "ryjl3-tyaaa-aaaaa-aaaba-cai@icp-api.io");
    EXPECT_NE(juno::module_key(canister, "http://127.0.0.1:4943"),
              juno::module_key(canister, "http://127.0.0.1:4944"))
        << "the same canister id on two replicas is two modules";
    EXPECT_EQ(juno::module_key(canister, "http://h/a b?c").find('/'), std::string::npos);
}

TEST(StateFiles, UserStateFolderFollowsXdg) {
    const char* saved = std::getenv("XDG_STATE_HOME");
    std::string old = saved ? saved : "";
    setenv("XDG_STATE_HOME", "/tmp/xdg-state", 1);
    EXPECT_EQ(juno::user_state_folder(), std::filesystem::path("/tmp/xdg-state/juno-cmake"));
    if (saved) {
        setenv("XDG_STATE_HOME", old.c_str(), 1);
    } else {
        unsetenv("XDG_STATE_HOME");
    }
}

}  // namespace
