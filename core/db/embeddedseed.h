#pragma once

#include "core/common/result.h"

#include <QDateTime>
#include <QStringList>
#include <QUuid>

namespace EasyCrm::Db {

class Database;

struct EmbeddedSeedResult
{
    QUuid tenantId;
    QString tenantName;
    QUuid adminUserId;
    QString adminUserName;
    QUuid adminRoleId;
    bool created = false; // false when the seed was already there
};

// The embedded database's first inhabitants: tenant "Local" and its administrator
// ("admin", Local Administrator, admin@localhost) in role "admin", with `permissions`
// granted to that role. The password hash is well-formed (Identity v3) but matches no
// password. Idempotent; refused on PostgreSQL.
class EmbeddedSeed final
{
public:
    explicit EmbeddedSeed(Database &db)
        : m_db(db)
    {}

    [[nodiscard]] Result<EmbeddedSeedResult>
    ensureLocalTenantAndUser(const QDateTime &nowUtc, const QStringList &permissions = {});

    [[nodiscard]] static QString unusablePasswordHash();

private:
    [[nodiscard]] Result<QUuid> ensureTenant(const QDateTime &nowUtc, bool &created);
    [[nodiscard]] Result<QUuid> ensureRole(const QUuid &tenantId, const QDateTime &nowUtc);
    [[nodiscard]] Result<QUuid> ensureUser(const QUuid &tenantId, const QDateTime &nowUtc);
    [[nodiscard]] Result<void> ensureUserRole(const QUuid &tenantId, const QUuid &userId,
                                              const QUuid &roleId);
    [[nodiscard]] Result<void> ensureGrant(const QUuid &tenantId, const QString &permission);

    Database &m_db;
};

} // namespace EasyCrm::Db
