#pragma once

#include "core/common/clock.h"
#include "core/common/providercatalogue.h"
#include "core/service/refreshscheduler.h"

#include <QString>
#include <QTextStream>

#include <chrono>

namespace EasyCrm::Db {
class Database;
}
namespace EasyCrm::Crypto {
class DataProtector;
}

namespace EasyCrm::App {

// `--refresh-sweep`: one refresh sweep on the configured CRM database, for a system service
// or timer, with no window. Its exit code tells the service manager what happened.
enum class RefreshSweepExit {
    Done = 0,             // every due connection was refreshed or settled (Requires Re-auth)
    NotRun = 1,           // the sweep could not run (no event loop, the database)
    SomeNotRefreshed = 2, // transient or local failures; retried by a later sweep
};

inline constexpr auto kRefreshSweepOption = "refresh-sweep";

// Runs one sweep to its end in a local event loop (a QCoreApplication must exist), writes
// the summary line to `out` and returns a RefreshSweepExit value.
[[nodiscard]] int runRefreshSweep(
    Db::Database &database, const Crypto::DataProtector &protector,
    const ProviderCatalogue &catalogue, const Clock &clock, QTextStream &out,
    std::chrono::milliseconds networkTimeout = RefreshScheduler::Settings().networkTimeout);

// "refresh sweep: 3 due, 2 refreshed, ..." — every count, one line, for logs.
[[nodiscard]] QString refreshSweepSummary(const SweepSummary &summary);

} // namespace EasyCrm::App
