#pragma once

#include "core/common/result.h"
#include "core/db/entities.h"

#include <QList>

namespace EasyCrm::Db {

class Database;

// SocialCrmNotifications: what the user is told, e.g. that a connection needs re-auth.
class NotificationRepository final
{
public:
    explicit NotificationRepository(Database &db)
        : m_db(db)
    {}

    // creationTime must be set; the id is assigned when empty.
    [[nodiscard]] Result<void> insert(Notification &notification);
    // Newest first.
    [[nodiscard]] Result<QList<Notification>> listForUser(const std::optional<QUuid> &tenantId,
                                                          const QUuid &userId,
                                                          bool unreadOnly = false) const;
    [[nodiscard]] Result<void> markRead(const QUuid &id);

private:
    Database &m_db;
};

} // namespace EasyCrm::Db
