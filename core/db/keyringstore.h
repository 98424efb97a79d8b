#pragma once

#include "core/common/result.h"

#include <QStringList>

namespace EasyCrm::Db {

class Database;

// DataProtectionKeys (EF Core's PersistKeysToDbContext): the CRM server's Data Protection
// key ring as `<key>` XML elements. Read-only on a server database; only the embedded
// database stores a key of its own.
class KeyRingStore final
{
public:
    explicit KeyRingStore(Database &db)
        : m_db(db)
    {}

    // Every Xml value, ordered by Id (the order EF Core's repository returns them).
    [[nodiscard]] Result<QStringList> xmlElements() const;
    // Refused on PostgreSQL: keys there belong to the server.
    [[nodiscard]] Result<void> addKey(const QString &friendlyName, const QString &xml);

private:
    Database &m_db;
};

} // namespace EasyCrm::Db
