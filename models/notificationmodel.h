#pragma once

#include "core/common/result.h"
#include "core/db/entities.h"

#include <QAbstractListModel>
#include <QList>
#include <QUuid>

#include <optional>

namespace EasyCrm::Db {
class Database;
}

namespace EasyCrm::Models {

// The signed-in user's notifications (SocialCrmNotifications), newest first: what the
// in-app panel lists and the tray announces, e.g. "Your LinkedIn connection needs
// re-authentication". Unread rows are bold.
class NotificationsModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NotificationsModel)
    Q_PROPERTY(int unreadCount READ unreadCount NOTIFY unreadCountChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        KindRole,
        MessageRole,
        IsReadRole,
        CreationTimeRole, // UTC
        ConnectionIdRole, // null QUuid when the notification concerns no connection
    };
    Q_ENUM(Role)

    // `database` must outlive the model. Call reload() to fill it.
    NotificationsModel(Db::Database &database, std::optional<QUuid> tenantId, QUuid userId,
                       QObject *parent = nullptr);
    ~NotificationsModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Reads the notifications again. The same rows in the same order only change in place
    // (a read flag); otherwise the model is reset. Ids new since the last reload are
    // announced through notificationsArrived, for the tray.
    [[nodiscard]] Result<void> reload();
    [[nodiscard]] Result<void> markRead(int row);
    [[nodiscard]] Result<void> markAllRead();
    int unreadCount() const;
    const QList<Db::Notification> &notifications() const { return m_items; }

signals:
    void unreadCountChanged(int unread);
    // Unread notifications that appeared with the last reload (not the first one).
    void notificationsArrived(const QList<EasyCrm::Db::Notification> &arrived);

private:
    void replace(QList<Db::Notification> items);
    void announceNew(const QList<Db::Notification> &before);

    Db::Database &m_db;
    std::optional<QUuid> m_tenantId;
    QUuid m_userId;
    QList<Db::Notification> m_items;
    bool m_loaded = false;
};

} // namespace EasyCrm::Models
