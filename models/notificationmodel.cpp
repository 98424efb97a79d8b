#include "models/notificationmodel.h"

#include "core/db/notificationrepository.h"

#include <QFont>
#include <QLocale>
#include <QSet>

namespace EasyCrm::Models {

NotificationsModel::NotificationsModel(Db::Database &database, std::optional<QUuid> tenantId,
                                       QUuid userId, QObject *parent)
    : QAbstractListModel(parent)
    , m_db(database)
    , m_tenantId(std::move(tenantId))
    , m_userId(userId)
{}

NotificationsModel::~NotificationsModel() = default;

int NotificationsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant NotificationsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Db::Notification &item = m_items.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case MessageRole:
        return item.message;
    case Qt::ToolTipRole:
        return QLocale().toString(item.creationTime.toLocalTime(), QLocale::ShortFormat);
    case Qt::FontRole: {
        QFont font;
        font.setBold(!item.isRead);
        return font;
    }
    case IdRole:
        return item.id;
    case KindRole:
        return item.kind;
    case IsReadRole:
        return item.isRead;
    case CreationTimeRole:
        return item.creationTime;
    case ConnectionIdRole:
        return item.connectionId.value_or(QUuid());
    default:
        return {};
    }
}

QHash<int, QByteArray> NotificationsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(KindRole, "kind");
    names.insert(MessageRole, "message");
    names.insert(IsReadRole, "isRead");
    names.insert(CreationTimeRole, "creationTime");
    names.insert(ConnectionIdRole, "connectionId");
    return names;
}

Result<void> NotificationsModel::reload()
{
    auto loaded = Db::NotificationRepository(m_db).listForUser(m_tenantId, m_userId);
    if (!loaded)
        return loaded.error();
    const int unreadBefore = unreadCount();
    const QList<Db::Notification> before = m_items;
    const bool announce = m_loaded;
    replace(std::move(loaded).value());
    m_loaded = true;
    if (announce)
        announceNew(before);
    if (unreadCount() != unreadBefore)
        emit unreadCountChanged(unreadCount());
    return {};
}

void NotificationsModel::replace(QList<Db::Notification> items)
{
    const auto sameRows = [&] {
        if (items.size() != m_items.size())
            return false;
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (items.at(i).id != m_items.at(i).id)
                return false;
        }
        return true;
    };
    if (!sameRows()) {
        beginResetModel();
        m_items = std::move(items);
        endResetModel();
        return;
    }
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (items.at(i).isRead == m_items.at(i).isRead)
            continue;
        m_items[i] = items.at(i);
        emit dataChanged(index(int(i)), index(int(i)));
    }
}

void NotificationsModel::announceNew(const QList<Db::Notification> &before)
{
    QSet<QUuid> known;
    for (const Db::Notification &item : before)
        known.insert(item.id);
    QList<Db::Notification> arrived;
    for (const Db::Notification &item : std::as_const(m_items)) {
        if (!item.isRead && !known.contains(item.id))
            arrived.append(item);
    }
    if (!arrived.isEmpty())
        emit notificationsArrived(arrived);
}

Result<void> NotificationsModel::markRead(int row)
{
    if (row < 0 || row >= m_items.size() || m_items.at(row).isRead)
        return {};
    if (Result<void> r = Db::NotificationRepository(m_db).markRead(m_items.at(row).id); !r)
        return r;
    m_items[row].isRead = true;
    emit dataChanged(index(row), index(row));
    emit unreadCountChanged(unreadCount());
    return {};
}

Result<void> NotificationsModel::markAllRead()
{
    for (int row = 0; row < m_items.size(); ++row) {
        if (Result<void> r = markRead(row); !r)
            return r;
    }
    return {};
}

int NotificationsModel::unreadCount() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(),
                             [](const Db::Notification &item) { return !item.isRead; }));
}

} // namespace EasyCrm::Models
