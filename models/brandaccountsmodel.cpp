#include "models/brandaccountsmodel.h"

#include "models/connectionreasons.h"

#include "models/providerlistmodel.h"

#include <QLoggingCategory>
#include <QSet>

namespace EasyCrm::Models {

Q_LOGGING_CATEGORY(lcBrandModel, "easycrm.models.brands", QtWarningMsg)

namespace {

bool sameStatus(const BrandAccountStatus &a, const BrandAccountStatus &b)
{
    return a.brandAccountId == b.brandAccountId && a.name == b.name &&
           a.providerKey == b.providerKey && a.providerName == b.providerName &&
           a.connectionId == b.connectionId && a.state == b.state &&
           a.externalHandle == b.externalHandle && a.externalDisplayName == b.externalDisplayName &&
           a.lastSyncUtc == b.lastSyncUtc && a.statusReason == b.statusReason;
}

} // namespace

BrandAccountsModel::BrandAccountsModel(QObject *parent)
    : BrandAccountsModel(nullptr, parent)
{}

BrandAccountsModel::BrandAccountsModel(const Clock *clock, QObject *parent)
    : QAbstractListModel(parent)
    , m_clock(clock)
{
    if (!m_clock) {
        m_ownClock = std::make_unique<SystemClock>();
        m_clock = m_ownClock.get();
    }
    m_refreshTimer.setInterval(kDefaultRefreshInterval);
    connect(&m_refreshTimer, &QTimer::timeout, this, &BrandAccountsModel::refresh);
    m_refreshTimer.start();
}

BrandAccountsModel::~BrandAccountsModel() = default;

int BrandAccountsModel::rowCount(const QModelIndex &parent) const
{
    // A list: only the invisible root has children.
    return parent.isValid() ? 0 : static_cast<int>(m_statuses.size());
}

QVariant BrandAccountsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return roleData(m_statuses.at(index.row()), index.row(), role);
}

QVariant BrandAccountsModel::roleData(const BrandAccountStatus &status, int row, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return status.name;
    case Qt::ToolTipRole: {
        const QString reason = reasonText(status);
        return reason.isEmpty() ? QVariant() : QVariant(reason);
    }
    case BrandAccountIdRole:
        return status.brandAccountId;
    case ProviderKeyRole:
        return status.providerKey;
    case ProviderNameRole:
        return status.providerName;
    case ConnectionIdRole:
        return status.connectionId;
    case StateRole:
        return QVariant::fromValue(status.state);
    case StateTextRole:
        return m_stateTexts.at(row);
    case HandleRole:
        return status.externalHandle;
    case DisplayNameRole:
        return status.externalDisplayName;
    case LastSyncRole:
        return status.lastSyncUtc;
    case StatusReasonRole:
        return status.statusReason;
    case ReasonTextRole:
        return reasonText(status);
    case ActionsRole:
        return QVariant::fromValue(actionsFor(row));
    default:
        return {};
    }
}

QHash<int, QByteArray> BrandAccountsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(BrandAccountIdRole, "brandAccountId");
    names.insert(NameRole, "name");
    names.insert(ProviderKeyRole, "providerKey");
    names.insert(ProviderNameRole, "providerName");
    names.insert(ConnectionIdRole, "connectionId");
    names.insert(StateRole, "state");
    names.insert(StateTextRole, "stateText");
    names.insert(HandleRole, "handle");
    names.insert(DisplayNameRole, "displayName");
    names.insert(LastSyncRole, "lastSync");
    names.insert(StatusReasonRole, "statusReason");
    names.insert(ReasonTextRole, "reasonText");
    names.insert(ActionsRole, "actions");
    return names;
}

void BrandAccountsModel::setStatuses(const QList<BrandAccountStatus> &statuses)
{
    if (!sameRows(statuses)) {
        beginResetModel();
        m_statuses = statuses;
        m_stateTexts.clear();
        for (const BrandAccountStatus &status : m_statuses)
            m_stateTexts.append(stateText(status));
        endResetModel();
        qCDebug(lcBrandModel) << "reset with" << m_statuses.size() << "rows";
        return;
    }
    // Remove depends on every connection of the account: a change in one row may change
    // what its siblings offer.
    QSet<QUuid> changedAccounts;
    for (int row = 0; row < m_statuses.size(); ++row) {
        if (sameStatus(m_statuses.at(row), statuses.at(row)))
            continue;
        m_statuses[row] = statuses.at(row);
        m_stateTexts[row] = stateText(m_statuses.at(row));
        changedAccounts.insert(m_statuses.at(row).brandAccountId);
    }
    for (int row = 0; row < m_statuses.size(); ++row) {
        if (changedAccounts.contains(m_statuses.at(row).brandAccountId))
            emitRowChanged(row);
    }
}

bool BrandAccountsModel::sameRows(const QList<BrandAccountStatus> &statuses) const
{
    if (statuses.size() != m_statuses.size())
        return false;
    for (int row = 0; row < statuses.size(); ++row) {
        const BrandAccountStatus &now = statuses.at(row);
        const BrandAccountStatus &shown = m_statuses.at(row);
        if (now.brandAccountId != shown.brandAccountId || now.connectionId != shown.connectionId)
            return false;
    }
    return true;
}

std::optional<BrandAccountStatus> BrandAccountsModel::statusOfConnection(const QUuid &id) const
{
    const int row = rowOfConnection(id);
    if (row < 0)
        return std::nullopt;
    return m_statuses.at(row);
}

std::optional<BrandAccountStatus> BrandAccountsModel::statusOfAccount(const QUuid &id) const
{
    for (const BrandAccountStatus &status : m_statuses) {
        if (status.brandAccountId == id)
            return status;
    }
    return std::nullopt;
}

int BrandAccountsModel::rowOfConnection(const QUuid &connectionId) const
{
    if (connectionId.isNull())
        return -1;
    for (int row = 0; row < m_statuses.size(); ++row) {
        if (m_statuses.at(row).connectionId == connectionId)
            return row;
    }
    return -1;
}

void BrandAccountsModel::setRefreshInterval(std::chrono::milliseconds interval)
{
    m_refreshTimer.setInterval(interval);
}

std::chrono::milliseconds BrandAccountsModel::refreshInterval() const
{
    return m_refreshTimer.intervalAsDuration();
}

void BrandAccountsModel::refresh()
{
    for (int row = 0; row < m_statuses.size(); ++row) {
        QString text = stateText(m_statuses.at(row));
        if (text == m_stateTexts.at(row))
            continue;
        m_stateTexts[row] = std::move(text);
        emitRowChanged(row, {StateTextRole});
    }
}

void BrandAccountsModel::emitRowChanged(int row, const QList<int> &roles)
{
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed, roles);
}

QString BrandAccountsModel::stateText(const BrandAccountStatus &status) const
{
    return ProviderListModel::stateText(status.state, status.externalHandle,
                                        status.externalDisplayName, status.lastSyncUtc,
                                        m_clock->nowUtc());
}

QString BrandAccountsModel::reasonText(const BrandAccountStatus &status)
{
    if (status.state != ConnectionState::RequiresReauth)
        return {};
    return ConnectionReasons::degradedText(status.statusReason, status.providerName);
}

BrandAccountsModel::Actions BrandAccountsModel::actionsFor(int row) const
{
    if (row < 0 || row >= m_statuses.size())
        return Action::None;
    const BrandAccountStatus &status = m_statuses.at(row);
    Actions actions;
    if (!status.connectionId.isNull())
        actions |= Action::Details;
    switch (status.state) {
    case ConnectionState::RequiresReauth:
        // Repairable in place, or given up: a broken account must still be removable.
        actions |= Action::Reconnect;
        actions |= Action::Disconnect;
        break;
    case ConnectionState::Connected:
        actions |= Action::Disconnect;
        break;
    case ConnectionState::NotConnected:
        // Its tokens would stay valid at the provider: the service refuses to remove an
        // account with a live connection, so the page does not offer it.
        if (accountDisconnected(status.brandAccountId))
            actions |= Action::Remove;
        break;
    }
    return actions;
}

bool BrandAccountsModel::accountDisconnected(const QUuid &brandAccountId) const
{
    for (const BrandAccountStatus &status : m_statuses) {
        if (status.brandAccountId == brandAccountId &&
            status.state != ConnectionState::NotConnected)
            return false;
    }
    return true;
}

} // namespace EasyCrm::Models
