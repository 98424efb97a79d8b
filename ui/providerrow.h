#pragma once

#include "models/providerlistmodel.h"

#include <QFrame>

class QLabel;
class QModelIndex;
class QPushButton;

namespace EasyCrm::Ui {

// One provider on Settings — Social Integration: badge, name, coloured state line, the
// reason a connection degraded, and the action button (Connect / Disconnect / Reconnect).
class ProviderRow final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderRow)

public:
    using Action = Models::ProviderListModel::Action;

    ProviderRow(const QString &providerKey, QWidget *parent = nullptr);

    QString providerKey() const { return m_providerKey; }
    QString providerName() const;
    // Shows what the model holds for this provider at `index`.
    void showData(const QModelIndex &index);
    // While any connect attempt runs, no other one may start from this row.
    void setFlowRunning(bool running);

signals:
    void actionTriggered(const QString &providerKey, EasyCrm::Ui::ProviderRow::Action action);
    // The person asked for the connection's details (token expiry, scopes, history).
    void detailsRequested(const QString &providerKey);

private:
    void setUpLook();
    void buildLayout();
    void showState(const QModelIndex &index);
    void showAction(const QModelIndex &index, const QString &providerName);
    void applyButtonState();

    QString m_providerKey;
    Action m_action = Action::Connect;
    bool m_actionAllowed = false;
    bool m_flowRunning = false;
    bool m_renewAllowed = false;
    QString m_notAllowedReason;
    QLabel *m_badge = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_stateDot = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_reason = nullptr;
    QWidget *m_buttonHolder = nullptr;
    QPushButton *m_button = nullptr;
    QPushButton *m_details = nullptr;
    QPushButton *m_renew = nullptr; // Reconnect early, while the connection warns it expires
};

} // namespace EasyCrm::Ui
