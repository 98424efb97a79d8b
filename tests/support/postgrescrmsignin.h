#pragma once

// Signing in to a PostgresCrm fixture, for tests that open it as the app does
// (Workspace::openProduction): the fixture's users all have the password kPostgresCrmPassword.

#include "core/service/signin.h"
#include "tests/support/postgrescrm.h"

namespace EasyCrm::Testing {

[[nodiscard]] inline CrmCredentials fixtureCredentials(const QString &tenantName,
                                                       const QString &userName)
{
    return {tenantName, userName, SecretString(QString::fromLatin1(kPostgresCrmPassword))};
}

// The seeded tenant's own user.
[[nodiscard]] inline CrmCredentials fixtureCredentials(const PostgresCrm &crm)
{
    return fixtureCredentials(crm.tenantName, crm.userName);
}

} // namespace EasyCrm::Testing
