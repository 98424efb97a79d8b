#pragma once

// A CRM database for the sign-in and permission tests, on the driver the run asks for:
// SQLite through Workspace::openEmbedded by default, a CRM server's PostgreSQL database
// (tests/support/postgrescrm.h) under tests/db/with-postgres.sh.

#include "core/common/clock.h"
#include "core/common/result.h"
#include "core/db/database.h"
#include "core/service/workspace.h"
#include "tests/support/postgrescrm.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QVariantMap>

#include <memory>
#include <optional>

namespace EasyCrm::SignInTest {

struct UserSpec
{
    UserSpec() = default;
    UserSpec(const std::optional<QUuid> &tenant, const QString &name, const QString &hash,
             const QString &mail = {})
        : tenantId(tenant)
        , userName(name)
        , passwordHash(hash)
        , email(mail)
    {}

    std::optional<QUuid> tenantId; // empty = host
    QString userName;
    QString passwordHash;
    QString email; // empty: <userName>@example.com
    bool isActive = true;
    bool isDeleted = false;
    bool lockoutEnabled = true; // ABP: Abp.Identity.Lockout.AllowedForNewUsers
    QDateTime lockoutEnd;       // UTC; invalid = NULL
    int accessFailedCount = 0;
};

class CrmDatabase
{
public:
    // Opens the database for `name`; the tenant the tests sign in to is tenantName().
    [[nodiscard]] Result<void> open(const QString &name, const Clock &clock);
    // Drops the PostgreSQL database; call it while the test still runs (cleanupTestCase), so
    // the driver's messages reach the test log rather than an ended one.
    void close();
    ~CrmDatabase();

    Db::Database &db();
    bool isPostgres() const { return m_postgres.has_value(); }
    QString tenantName() const { return m_tenantName; }
    QUuid tenantId() const { return m_tenantId; }
    // PostgreSQL only: the fixture's own user (password kPostgresCrmPassword).
    QString fixtureUserName() const { return m_postgres ? m_postgres->userName : QString(); }
    // A workspace on this database, for a service's key ring: the embedded one on SQLite; on
    // PostgreSQL the fixture's own user signed in (the first call opens it). Null when it
    // could not be opened (the reason is logged). Its clock must be near the real time: the
    // fixture's keys are.
    Workspace *workspace(const Clock &clock);

    [[nodiscard]] Result<QUuid> insertTenant(const QString &name);
    [[nodiscard]] Result<QUuid> insertUser(const UserSpec &spec);
    [[nodiscard]] Result<QUuid> insertRole(const std::optional<QUuid> &tenantId,
                                           const QString &name);
    [[nodiscard]] Result<void> addToRole(const std::optional<QUuid> &tenantId, const QUuid &userId,
                                         const QUuid &roleId);
    // ProviderName "U" (key: user id) or "R" (key: role name).
    [[nodiscard]] Result<void> grant(const std::optional<QUuid> &tenantId,
                                     const QString &permission, const QString &providerName,
                                     const QString &providerKey);

    // One row of AbpUsers or AbpSecurityLogs, columns by name; LockoutEnd as UTC QDateTime.
    QVariantMap userRow(const QUuid &id);
    QList<QVariantMap> securityLogRows(const QString &userName);

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Workspace> m_workspace;
    std::optional<Testing::PostgresCrm> m_postgres;
    std::unique_ptr<Db::Database> m_pgDatabase;
    QString m_tenantName;
    QUuid m_tenantId;
};

// ASP.NET Core Identity v3 hashes of "1q2w3E*" (hashlib.pbkdf2_hmac, salt bytes 0..15).
extern const QString kSha512Hash; // HMACSHA512, 100 000 iterations (ASP.NET Core 7+)
extern const QString kSha256Hash; // HMACSHA256, 10 000 iterations (ASP.NET Core 3-6)
inline const QString kPassword = QStringLiteral("1q2w3E*");

} // namespace EasyCrm::SignInTest
