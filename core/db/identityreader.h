#pragma once

#include "core/common/result.h"

#include <QSet>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <optional>

namespace EasyCrm::Db {

class Database;

struct TenantRecord
{
    QUuid id;
    QString name;
};

struct UserRecord
{
    QUuid id;
    std::optional<QUuid> tenantId;
    QString userName;
    QString name;
    QString surname;
    QString email;
    QString passwordHash; // ASP.NET Core Identity v3, base64
    bool isActive = false;
};

// Who is signed in and what they may do, read from ABP's identity, tenant and permission
// tables. Soft-deleted users and tenants are invisible, as in ABP.
class IdentityReader final
{
public:
    explicit IdentityReader(Database &db)
        : m_db(db)
    {}

    [[nodiscard]] Result<std::optional<TenantRecord>> findTenantByName(const QString &name) const;
    [[nodiscard]] Result<std::optional<TenantRecord>> findTenant(const QUuid &id) const;
    // Every tenant, ordered by name.
    [[nodiscard]] Result<QList<TenantRecord>> tenants() const;
    [[nodiscard]] Result<std::optional<UserRecord>>
    findUserByName(const std::optional<QUuid> &tenantId, const QString &userName) const;
    [[nodiscard]] Result<std::optional<UserRecord>> findUser(const QUuid &id) const;
    [[nodiscard]] Result<QStringList> roleNames(const QUuid &userId) const;
    // Granted to the user ("U", user id) or to one of its roles ("R", role name).
    [[nodiscard]] Result<QSet<QString>> grantedPermissions(const std::optional<QUuid> &tenantId,
                                                           const QUuid &userId) const;

private:
    [[nodiscard]] Result<std::optional<TenantRecord>> findTenantWhere(const QString &where,
                                                                      const QVariant &key) const;

    Database &m_db;
};

} // namespace EasyCrm::Db
