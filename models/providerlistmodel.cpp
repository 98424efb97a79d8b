#include "models/providerlistmodel.h"

#include "models/connectionreasons.h"

#include <QLoggingCategory>

namespace EasyCrm::Models {

Q_LOGGING_CATEGORY(lcProviderModel, "easycrm.models.providers", QtWarningMsg)

namespace {

constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

bool sameStatus(const ProviderStatus &a, const ProviderStatus &b)
{
    return a.providerKey == b.providerKey && a.providerName == b.providerName &&
           a.configured == b.configured && a.state == b.state && a.connectionId == b.connectionId &&
           a.externalHandle == b.externalHandle && a.externalDisplayName == b.externalDisplayName &&
           a.lastSyncUtc == b.lastSyncUtc && a.statusReason == b.statusReason &&
           a.expiryWarningUtc == b.expiryWarningUtc && a.expiresAtUtc == b.expiresAtUtc;
}

// How the account is named on its row: the handle with one "@", else the display name.
QString shownName(const QString &handle, const QString &displayName)
{
    QString who = handle;
    if (!who.isEmpty() && !who.startsWith(u'@'))
        who.prepend(u'@');
    return who.isEmpty() ? displayName : who;
}

// Only a degraded connection has a reason worth a line: after a disconnect the stored reason
// ("Disconnected") would only repeat the state.
QString reasonText(const ProviderStatus &status)
{
    if (status.state != ConnectionState::RequiresReauth)
        return {};
    return ConnectionReasons::degradedText(status.statusReason, status.providerName);
}

} // namespace

ProviderListModel::ProviderListModel(QObject *parent)
    : ProviderListModel(nullptr, parent)
{}

ProviderListModel::ProviderListModel(const Clock *clock, QObject *parent)
    : QAbstractListModel(parent)
    , m_clock(clock)
{
    if (!m_clock) {
        m_ownClock = std::make_unique<SystemClock>();
        m_clock = m_ownClock.get();
    }
    m_refreshTimer.setInterval(kDefaultRefreshInterval);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ProviderListModel::refresh);
    m_refreshTimer.start();
}

ProviderListModel::~ProviderListModel() = default;

int ProviderListModel::rowCount(const QModelIndex &parent) const
{
    // A list: only the invisible root has children.
    return parent.isValid() ? 0 : static_cast<int>(m_statuses.size());
}

QVariant ProviderListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return roleData(m_statuses.at(index.row()), index.row(), role);
}

QVariant ProviderListModel::roleData(const ProviderStatus &status, int row, int role) const
{
    const Action action = actionFor(status.state);
    switch (role) {
    case Qt::DisplayRole:
    case ProviderNameRole:
        return status.providerName;
    case Qt::ToolTipRole:
        if (!status.configured)
            return unconfiguredToolTip();
        {
            const QString reason = reasonText(status);
            return reason.isEmpty() ? QVariant() : QVariant(reason);
        }
    case ProviderKeyRole:
        return status.providerKey;
    case StateRole:
        return QVariant::fromValue(status.state);
    case StateTextRole:
        return m_stateTexts.at(row);
    case ConfiguredRole:
        return status.configured;
    case HandleRole:
        return status.externalHandle;
    case LastSyncRole:
        return status.lastSyncUtc;
    case ActionRole:
        return QVariant::fromValue(action);
    case ActionTextRole:
        return actionText(action);
    case ActionEnabledRole:
        // Removing a connection needs no client registration; starting one does.
        return status.configured || action == Action::Disconnect;
    case StatusReasonRole:
        return status.statusReason;
    case ReasonTextRole:
        return reasonText(status);
    case ExpiringRole:
        return isExpiring(status);
    default:
        return {};
    }
}

QHash<int, QByteArray> ProviderListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(ProviderKeyRole, "providerKey");
    names.insert(ProviderNameRole, "providerName");
    names.insert(StateRole, "state");
    names.insert(StateTextRole, "stateText");
    names.insert(ConfiguredRole, "configured");
    names.insert(HandleRole, "handle");
    names.insert(LastSyncRole, "lastSync");
    names.insert(ActionRole, "action");
    names.insert(ActionTextRole, "actionText");
    names.insert(ActionEnabledRole, "actionEnabled");
    names.insert(StatusReasonRole, "statusReason");
    names.insert(ReasonTextRole, "reasonText");
    names.insert(ExpiringRole, "expiring");
    return names;
}

void ProviderListModel::setStatuses(const QList<ProviderStatus> &statuses)
{
    if (!sameProviders(statuses)) {
        beginResetModel();
        m_statuses = statuses;
        m_stateTexts.clear();
        for (const ProviderStatus &status : m_statuses)
            m_stateTexts.append(stateText(status));
        endResetModel();
        qCDebug(lcProviderModel) << "reset with" << m_statuses.size() << "providers";
        return;
    }
    for (int row = 0; row < m_statuses.size(); ++row) {
        if (sameStatus(m_statuses.at(row), statuses.at(row)))
            continue;
        m_statuses[row] = statuses.at(row);
        m_stateTexts[row] = stateText(m_statuses.at(row));
        emitRowChanged(row);
    }
}

bool ProviderListModel::sameProviders(const QList<ProviderStatus> &statuses) const
{
    if (statuses.size() != m_statuses.size())
        return false;
    for (int row = 0; row < statuses.size(); ++row) {
        if (statuses.at(row).providerKey != m_statuses.at(row).providerKey)
            return false;
    }
    return true;
}

std::optional<ProviderStatus> ProviderListModel::statusFor(const QString &providerKey) const
{
    const int row = rowOf(providerKey);
    if (row < 0)
        return std::nullopt;
    return m_statuses.at(row);
}

int ProviderListModel::rowOf(const QString &providerKey) const
{
    for (int row = 0; row < m_statuses.size(); ++row) {
        if (m_statuses.at(row).providerKey == providerKey)
            return row;
    }
    return -1;
}

void ProviderListModel::setRefreshInterval(std::chrono::milliseconds interval)
{
    m_refreshTimer.setInterval(interval);
}

std::chrono::milliseconds ProviderListModel::refreshInterval() const
{
    return m_refreshTimer.intervalAsDuration();
}

void ProviderListModel::refresh()
{
    for (int row = 0; row < m_statuses.size(); ++row) {
        QString text = stateText(m_statuses.at(row));
        if (text == m_stateTexts.at(row))
            continue;
        m_stateTexts[row] = std::move(text);
        // A row only enters its expiry warning with time (leaving it takes a new status), and
        // that changes its text too: this is where the warning starts.
        if (isExpiring(m_statuses.at(row)))
            emitRowChanged(row, {StateTextRole, ExpiringRole});
        else
            emitRowChanged(row, {StateTextRole});
    }
}

void ProviderListModel::emitRowChanged(int row, const QList<int> &roles)
{
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed, roles);
}

QString ProviderListModel::stateText(const ProviderStatus &status) const
{
    if (isExpiring(status))
        return expiringText(status, shownName(status.externalHandle, status.externalDisplayName));
    return stateText(status.state, status.externalHandle, status.externalDisplayName,
                     status.lastSyncUtc, m_clock->nowUtc());
}

QString ProviderListModel::relativeTime(const QDateTime &whenUtc) const
{
    return relativeTime(whenUtc, m_clock->nowUtc());
}

QString ProviderListModel::stateText(ConnectionState state, const QString &handle,
                                     const QString &displayName, const QDateTime &lastSyncUtc,
                                     const QDateTime &nowUtc)
{
    switch (state) {
    case ConnectionState::NotConnected:
        return tr("Not Connected");
    case ConnectionState::RequiresReauth:
        //: The provider no longer accepts the stored tokens; the person must connect again.
        return tr("Requires Re-auth");
    case ConnectionState::Connected:
        break;
    }
    const QString lastSync = relativeTime(lastSyncUtc, nowUtc);
    const QString who = shownName(handle, displayName);
    if (who.isEmpty()) {
        //: %1 is a relative time such as "just now" or "5 minutes ago".
        return tr("Connected. Last sync: %1.").arg(lastSync);
    }
    //: %1 is the account handle ("@name"); %2 a relative time such as "just now".
    return tr("Connected as %1. Last sync: %2.").arg(who, lastSync);
}

QString ProviderListModel::relativeTime(const QDateTime &whenUtc, const QDateTime &nowUtc)
{
    if (!whenUtc.isValid()) {
        //: Last sync of a connection that has not synchronised yet.
        return tr("never");
    }
    // A sync stamped slightly ahead of this machine's clock (skew) still reads "just now".
    const qint64 seconds = whenUtc.secsTo(nowUtc);
    if (seconds < kMinute)
        return tr("just now");
    if (seconds < kHour)
        return tr("%n minute(s) ago", nullptr, static_cast<int>(seconds / kMinute));
    if (seconds < kDay)
        return tr("%n hour(s) ago", nullptr, static_cast<int>(seconds / kHour));
    return tr("%n day(s) ago", nullptr, static_cast<int>(seconds / kDay));
}

bool ProviderListModel::isExpiring(const ProviderStatus &status) const
{
    return status.state == ConnectionState::Connected && status.expiryWarningUtc.isValid() &&
           status.expiresAtUtc.isValid() && m_clock->nowUtc() >= status.expiryWarningUtc;
}

// Nothing renews this connection: say in time when it stops working, and what helps.
QString ProviderListModel::expiringText(const ProviderStatus &status, const QString &who) const
{
    const qint64 left = m_clock->nowUtc().secsTo(status.expiresAtUtc);
    if (left <= 0 && who.isEmpty()) {
        //: The access token has expired (the row turns to Requires Re-auth shortly).
        return tr("Connected. Access has expired — reconnect to restore it.");
    }
    if (left <= 0) {
        //: %1 is the account handle ("@name"). The access token has expired.
        return tr("Connected as %1. Access has expired — reconnect to restore it.").arg(who);
    }
    const QString remaining = timeLeft(left);
    if (who.isEmpty()) {
        //: %1 is how long the connection still works, e.g. "3 days" or "less than a minute".
        return tr("Connected. Expires in %1 — reconnect to keep it working.").arg(remaining);
    }
    //: %1 is the account handle ("@name"); %2 how long it still works, e.g. "3 days".
    return tr("Connected as %1. Expires in %2 — reconnect to keep it working.").arg(who, remaining);
}

QString ProviderListModel::timeLeft(qint64 seconds) const
{
    // Rounded down, so the row never promises more time than is left.
    if (seconds < kMinute) {
        //: How long a connection still works: "Expires in less than a minute".
        return tr("less than a minute");
    }
    if (seconds < kHour)
        return tr("%n minute(s)", nullptr, static_cast<int>(seconds / kMinute));
    if (seconds < kDay)
        return tr("%n hour(s)", nullptr, static_cast<int>(seconds / kHour));
    return tr("%n day(s)", nullptr, static_cast<int>(seconds / kDay));
}

ProviderListModel::Action ProviderListModel::actionFor(ConnectionState state)
{
    switch (state) {
    case ConnectionState::NotConnected:
        return Action::Connect;
    case ConnectionState::Connected:
        return Action::Disconnect;
    case ConnectionState::RequiresReauth:
        return Action::Reconnect;
    }
    return Action::Connect;
}

QString ProviderListModel::actionText(Action action)
{
    switch (action) {
    case Action::Connect:
        //: Button: start connecting an account of this provider.
        return tr("Connect");
    case Action::Disconnect:
        //: Button: revoke and remove this provider's connection.
        return tr("Disconnect");
    case Action::Reconnect:
        //: Button: repeat the authorization for an existing connection.
        return tr("Reconnect");
    }
    return {};
}

QString ProviderListModel::unconfiguredToolTip()
{
    return tr("Contact your administrator to enable this provider");
}

} // namespace EasyCrm::Models
