#pragma once

#include "core/common/result.h"
#include "core/db/entities.h"

#include <QList>

namespace EasyCrm::Db {

class Database;

// SocialCrmConnectionHistory: every status change of a connection, for support staff.
class ConnectionHistoryRepository final
{
public:
    explicit ConnectionHistoryRepository(Database &db)
        : m_db(db)
    {}

    // creationTime must be set; the id is assigned when empty.
    [[nodiscard]] Result<void> append(ConnectionHistoryEntry &entry);
    // Oldest first.
    [[nodiscard]] Result<QList<ConnectionHistoryEntry>>
    listForConnection(const QUuid &connectionId) const;

private:
    Database &m_db;
};

} // namespace EasyCrm::Db
