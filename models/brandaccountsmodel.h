#pragma once

#include "core/common/clock.h"
#include "core/service/providerstatus.h"

#include <QAbstractListModel>
#include <QList>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>

namespace EasyCrm::Models {

// The tenant's brand accounts on Settings — Social Integration — Brand Accounts, one row per
// brand account and connection, in the order the service reports them. A connected row's
// "Last sync" is relative to the injected clock and kept current by a timer, as on the
// provider list.
class BrandAccountsModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BrandAccountsModel)

public:
    enum Role {
        BrandAccountIdRole = Qt::UserRole + 1,
        NameRole,
        ProviderKeyRole, // empty while the account holds no connection
        ProviderNameRole,
        ConnectionIdRole,
        StateRole, // ConnectionState
        StateTextRole,
        HandleRole, // as stored, without an added "@"
        DisplayNameRole,
        LastSyncRole,
        StatusReasonRole, // as stored: a code such as RefreshTokenRejected
        ReasonTextRole,   // why it needs re-authentication, in words; empty otherwise
        ActionsRole,      // BrandAccountsModel::Actions
    };
    Q_ENUM(Role)

    // What may be done with a row, whoever asks; the page drops what the person may not do.
    enum class Action {
        None = 0x0,
        Reconnect = 0x1,  // the provider no longer accepts its tokens
        Disconnect = 0x2, // it holds tokens
        Remove = 0x4,     // every connection of the account is disconnected
        Details = 0x8,    // there is a connection with a history to show
    };
    Q_DECLARE_FLAGS(Actions, Action)
    Q_FLAG(Actions)

    static constexpr std::chrono::milliseconds kDefaultRefreshInterval{30'000};

    // Uses the system clock.
    explicit BrandAccountsModel(QObject *parent = nullptr);
    // `clock` must outlive the model.
    explicit BrandAccountsModel(const Clock *clock, QObject *parent = nullptr);
    ~BrandAccountsModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The same accounts and connections in the same order: changed rows emit dataChanged.
    // Otherwise a reset.
    void setStatuses(const QList<BrandAccountStatus> &statuses);
    const QList<BrandAccountStatus> &statuses() const { return m_statuses; }
    [[nodiscard]] std::optional<BrandAccountStatus> statusOfConnection(const QUuid &id) const;
    [[nodiscard]] std::optional<BrandAccountStatus> statusOfAccount(const QUuid &id) const;
    [[nodiscard]] int rowOfConnection(const QUuid &connectionId) const;

    void setRefreshInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds refreshInterval() const;

    [[nodiscard]] QString stateText(const BrandAccountStatus &status) const;
    // The reason a connection needs re-authentication, in the person's words.
    [[nodiscard]] static QString reasonText(const BrandAccountStatus &status);
    [[nodiscard]] Actions actionsFor(int row) const;

public slots:
    // Recomputes the relative times; emits dataChanged (StateTextRole only) where they moved.
    void refresh();

private:
    [[nodiscard]] QVariant roleData(const BrandAccountStatus &status, int row, int role) const;
    [[nodiscard]] bool sameRows(const QList<BrandAccountStatus> &statuses) const;
    [[nodiscard]] bool accountDisconnected(const QUuid &brandAccountId) const;
    void emitRowChanged(int row, const QList<int> &roles = {});

    std::unique_ptr<Clock> m_ownClock;
    const Clock *m_clock = nullptr;
    QList<BrandAccountStatus> m_statuses;
    // The state texts as last published, so refresh() signals only real changes.
    QStringList m_stateTexts;
    QTimer m_refreshTimer;
};

} // namespace EasyCrm::Models

Q_DECLARE_OPERATORS_FOR_FLAGS(EasyCrm::Models::BrandAccountsModel::Actions)
