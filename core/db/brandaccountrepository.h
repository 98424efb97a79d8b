#pragma once

#include "core/common/result.h"
#include "core/db/entities.h"

#include <QList>

#include <optional>

namespace EasyCrm::Db {

class Database;

// SocialCrmBrandAccounts: a tenant's brand pages, each with its own connections.
class BrandAccountRepository final
{
public:
    explicit BrandAccountRepository(Database &db)
        : m_db(db)
    {}

    // account.creationTime must be set; the id is assigned when empty, the stamp always.
    [[nodiscard]] Result<void> insert(BrandAccount &account);
    [[nodiscard]] Result<std::optional<BrandAccount>> findById(const QUuid &id) const;
    [[nodiscard]] Result<QList<BrandAccount>>
    listForTenant(const std::optional<QUuid> &tenantId) const;
    // Returns the new stamp; ConcurrencyConflict when `expectedStamp` is stale.
    [[nodiscard]] Result<QString> rename(const QUuid &id, const QString &name,
                                         const QString &expectedStamp, const QDateTime &nowUtc,
                                         const std::optional<QUuid> &actorId);
    // Fails while connections still reference the account (foreign key).
    [[nodiscard]] Result<void> remove(const QUuid &id);

private:
    Database &m_db;
};

} // namespace EasyCrm::Db
