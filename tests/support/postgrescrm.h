#pragma once

// A CRM server's PostgreSQL database for tests: a fresh database on the server that
// tests/db/with-postgres.sh starts (EASYCRM_TEST_DRIVER=postgres, EASYCRM_TEST_PG_HOST, _PORT,
// _USER, _PASSWORD, _DATABASE), holding ABP's tables as an ABP 8 server's EF Core migrations
// create them (tests/data/abp-postgresql.sql), a tenant, a user in it and the server's Data
// Protection keys, each stored as the server stores it.

#include "core/common/result.h"
#include "core/db/database.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QUuid>

#include <optional>

namespace EasyCrm::Testing {

// True when the tests run against PostgreSQL (EASYCRM_TEST_DRIVER=postgres).
[[nodiscard]] bool postgresAvailable();
// The server's maintenance database, as the environment names it.
[[nodiscard]] Db::PostgresSettings postgresServerSettings();

// The users PostgresCrmOptions::signInUsers adds, each with the password kPostgresCrmPassword.
struct SignInUsers
{
    // A host user whose host role "admin" holds every EasyCrm.SocialCrm.* permission.
    QString hostAdmin = QStringLiteral("host.admin");
    QUuid hostAdminId;
    // A second tenant and its user.
    QString otherTenant = QStringLiteral("Globex");
    QUuid otherTenantId;
    QString otherTenantUser = QStringLiteral("globex.admin");
    // Users of the seeded tenant: one locked out for half an hour, one not active.
    QString lockedOut = QStringLiteral("locked.out");
    QDateTime lockoutEnd;
    QString inactive = QStringLiteral("sleeper");
};

struct PostgresCrm
{
    Db::PostgresSettings settings;
    QString tenantName;
    QString userName;
    QUuid tenantId;
    QUuid userId;
    // The seeded Data Protection keys, oldest first; the last one is the default key.
    QList<QUuid> keyIds;
    SignInUsers signInUsers; // ids set with PostgresCrmOptions::signInUsers only
};

struct PostgresCrmOptions
{
    enum class Contents {
        Empty,     // a database with none of the CRM's tables
        AbpTables, // ABP's tables, no rows
        Seeded,    // ABP's tables, the tenant, its user and (see below) the key ring
    };
    Contents contents = Contents::Seeded;
    bool dataProtectionKeys = true;
    // Seeded only: also the users of SignInUsers.
    bool signInUsers = false;
};

// The user's password: ABP's default administrator password, hashed as ASP.NET Core
// Identity v3 does (PBKDF2-HMAC-SHA512, 100 000 iterations).
inline constexpr char kPostgresCrmPassword[] = "1q2w3E*";

// Creates database "easycrm_<uniqueName>_<random>" and fills it. Drop it with dropPostgresCrm.
[[nodiscard]] Result<PostgresCrm> createPostgresCrm(const QString &uniqueName,
                                                    const PostgresCrmOptions &options = {});
// Drops the database, closing whatever sessions are still on it.
[[nodiscard]] Result<void> dropPostgresCrm(const PostgresCrm &crm);

// --- Rows as the CRM server writes them (both drivers) -------------------------------------

// One key of the server's key ring. The master key is 64 bytes (AES-256-CBC + HMACSHA256).
struct ServerKey
{
    QUuid id;
    QDateTime creation;
    QDateTime activation;
    QDateTime expiration;
    QByteArray masterKey;
};

// A key with a random master key, created and activated at `activation`, living 90 days.
[[nodiscard]] ServerKey newServerKey(const QDateTime &activation);

// The <key> element exactly as the server's XmlKeyManager writes it and EF Core's
// EntityFrameworkCoreXmlRepository stores it (XElement.ToString(SaveOptions.DisableFormatting)).
[[nodiscard]] QString serverKeyXml(const ServerKey &key);
// A <revocation> of one key ("revocation-{guid}") or, with std::nullopt, of every key
// created before `revocationDate` (id="*", "revocation-{yyyyMMddTHHmmssFFFFFFFZ}").
[[nodiscard]] QString serverRevocationXml(const std::optional<QUuid> &keyId,
                                          const QDateTime &revocationDate);
[[nodiscard]] QString keyFriendlyName(const QUuid &keyId);
[[nodiscard]] QString revocationFriendlyName(const std::optional<QUuid> &keyId,
                                             const QDateTime &revocationDate);

// Inserts one DataProtectionKeys row, as the server's repository does.
[[nodiscard]] Result<void> storeKeyRingRow(Db::Database &db, const QString &friendlyName,
                                           const QString &xml);

// An AbpTenants row; returns its id.
[[nodiscard]] Result<QUuid> insertAbpTenant(Db::Database &db, const QString &name);
// An AbpUsers row (with the password kPostgresCrmPassword); returns its id.
struct AbpUserSpec
{
    AbpUserSpec(const std::optional<QUuid> &tenant, const QString &name, bool active = true,
                bool deleted = false)
        : tenantId(tenant)
        , userName(name)
        , isActive(active)
        , isDeleted(deleted)
    {}

    std::optional<QUuid> tenantId; // empty = host
    QString userName;
    bool isActive = true;
    bool isDeleted = false;
    QDateTime lockoutEnd; // invalid = not locked
    // ABP's Abp.Identity.Lockout.AllowedForNewUsers: new users can be locked out.
    bool lockoutEnabled = true;
};
[[nodiscard]] Result<QUuid> insertAbpUser(Db::Database &db, const AbpUserSpec &user);
// An AbpRoles row of `tenantId` named `name`, given to `userId`, with an AbpPermissionGrants
// row ("R", the role's name) for each of `permissions`; returns the role's id.
[[nodiscard]] Result<QUuid> insertAbpRole(Db::Database &db, const std::optional<QUuid> &tenantId,
                                          const QString &name, const QUuid &userId,
                                          const QStringList &permissions);
// One AbpPermissionGrants row: `providerName` "R" with the role's name or "U" with the user's
// id as Guid.ToString() writes it.
[[nodiscard]] Result<void> insertAbpGrant(Db::Database &db, const std::optional<QUuid> &tenantId,
                                          const QString &permission, const QString &providerName,
                                          const QString &providerKey);

} // namespace EasyCrm::Testing
