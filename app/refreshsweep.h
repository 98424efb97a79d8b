#pragma once

#include "app/postgrestarget.h"
#include "core/common/clock.h"
#include "core/common/providercatalogue.h"
#include "core/service/refreshscheduler.h"
#include "core/service/workspace.h"

#include <QString>
#include <QTextStream>

#include <chrono>
#include <optional>

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

// The database a headless sweep works on: the embedded file, or a PostgreSQL CRM database
// (its password from libpq's own sources: PGPASSWORD or ~/.pgpass). Nobody signs in to the
// CRM for it: the sweep refreshes every tenant's due connections, as the server's own
// background worker would, so the target's tenant and CRM user are not used.
struct RefreshSweepTarget
{
    QString embeddedPath;
    std::optional<PostgresTarget> postgres; // set: this one, not the embedded file
    DataProtectionSettings protection;
    std::chrono::seconds connectTimeout{15};
};

// Opens the target, runs one sweep on it and returns a RefreshSweepExit value. A missing
// embedded file is not created: there is nothing to refresh in it, and a typo in a timer
// unit should not leave an empty CRM database behind.
[[nodiscard]] int runRefreshSweepCommand(const RefreshSweepTarget &target, const Clock &clock,
                                         QTextStream &out);

// "refresh sweep: 3 due, 2 refreshed, ..." — every count, one line, for logs.
[[nodiscard]] QString refreshSweepSummary(const SweepSummary &summary);

} // namespace EasyCrm::App
