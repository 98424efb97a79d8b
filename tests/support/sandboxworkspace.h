#pragma once

// The workspace an e2e test connects the Sandbox on: the embedded SQLite database, or under
// tests/db/with-postgres.sh a CRM server's PostgreSQL database signed in to as the app does.
// Header-only: the tests that use it link easycrm_service, the support library does not.

#include "core/service/workspace.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"

#include <memory>
#include <optional>

namespace EasyCrm::Testing {

// Opens `sqlitePath`, or creates the PostgreSQL database "easycrm_<name>_…" into `crm` (drop it
// with dropPostgresCrm once the workspace is gone) and configures the Sandbox there, as an
// admin would: a production database has no Sandbox configuration of its own.
[[nodiscard]] inline Result<std::unique_ptr<Workspace>>
openSandboxWorkspace(const QString &sqlitePath, const QString &name, const Clock &clock,
                     const SandboxRegistration &sandbox, std::optional<PostgresCrm> &crm)
{
    crm.reset();
    if (!postgresAvailable())
        return Workspace::openEmbedded(sqlitePath, clock, sandbox);
    auto created = createPostgresCrm(name);
    if (!created)
        return created.error();
    crm = created.value();
    auto workspace = Workspace::openProduction(crm->settings, clock, fixtureCredentials(*crm));
    if (!workspace)
        return workspace;
    if (Result<void> configured = workspace.value()->configureSandbox(sandbox); !configured)
        return configured.error();
    return workspace;
}

} // namespace EasyCrm::Testing
