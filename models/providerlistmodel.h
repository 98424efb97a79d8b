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

// The providers of Settings — Social Integration, one row each, in the order the service
// reports them. The "Last sync" part of a connected row is relative to the injected clock,
// and so is "Expires in 3 days" of a connection that nothing renews, from its expiry warning
// time on; a timer calls refresh() so both stay current while the page is open.
class ProviderListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderListModel)

public:
    enum Role {
        ProviderKeyRole = Qt::UserRole + 1,
        ProviderNameRole,
        StateRole, // ConnectionState
        StateTextRole,
        ConfiguredRole,
        HandleRole, // as stored, without an added "@"
        LastSyncRole,
        ActionRole, // ProviderListModel::Action
        ActionTextRole,
        ActionEnabledRole,
        StatusReasonRole, // as stored: a code such as RefreshTokenRejected, or Disconnected
        ReasonTextRole,   // why it needs re-authentication, in words; empty otherwise
        // Connected, but nothing renews it in time: it warns that it expires (bool).
        ExpiringRole,
    };
    Q_ENUM(Role)

    // What the row's button does.
    enum class Action { Connect, Disconnect, Reconnect };
    Q_ENUM(Action)

    static constexpr std::chrono::milliseconds kDefaultRefreshInterval{30'000};

    // Uses the system clock.
    explicit ProviderListModel(QObject *parent = nullptr);
    // `clock` must outlive the model.
    explicit ProviderListModel(const Clock *clock, QObject *parent = nullptr);
    ~ProviderListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Same providers in the same order: changed rows emit dataChanged. Otherwise a reset.
    void setStatuses(const QList<ProviderStatus> &statuses);
    const QList<ProviderStatus> &statuses() const { return m_statuses; }
    [[nodiscard]] std::optional<ProviderStatus> statusFor(const QString &providerKey) const;
    [[nodiscard]] int rowOf(const QString &providerKey) const;

    void setRefreshInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds refreshInterval() const;

    [[nodiscard]] QString stateText(const ProviderStatus &status) const;
    [[nodiscard]] QString relativeTime(const QDateTime &whenUtc) const;
    // The same texts for any connection (a brand account's too), relative to `nowUtc`.
    [[nodiscard]] static QString stateText(ConnectionState state, const QString &handle,
                                           const QString &displayName, const QDateTime &lastSyncUtc,
                                           const QDateTime &nowUtc);
    [[nodiscard]] static QString relativeTime(const QDateTime &whenUtc, const QDateTime &nowUtc);
    // "3 days", "1 hour", "less than a minute": how long an expiring connection still works.
    [[nodiscard]] QString timeLeft(qint64 seconds) const;
    [[nodiscard]] static Action actionFor(ConnectionState state);
    [[nodiscard]] static QString actionText(Action action);
    [[nodiscard]] static QString unconfiguredToolTip();

public slots:
    // Recomputes the relative times; emits dataChanged (StateTextRole only) where they moved.
    void refresh();

private:
    [[nodiscard]] QVariant roleData(const ProviderStatus &status, int row, int role) const;
    [[nodiscard]] bool isExpiring(const ProviderStatus &status) const;
    [[nodiscard]] QString expiringText(const ProviderStatus &status, const QString &who) const;
    [[nodiscard]] bool sameProviders(const QList<ProviderStatus> &statuses) const;
    void emitRowChanged(int row, const QList<int> &roles = {});

    std::unique_ptr<Clock> m_ownClock;
    const Clock *m_clock = nullptr;
    QList<ProviderStatus> m_statuses;
    // The state texts as last published, so refresh() signals only real changes.
    QStringList m_stateTexts;
    QTimer m_refreshTimer;
};

} // namespace EasyCrm::Models
