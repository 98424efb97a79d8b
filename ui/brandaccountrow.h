#pragma once

#include "models/brandaccountsmodel.h"

#include <QFrame>
#include <QUuid>

class QLabel;
class QModelIndex;
class QPushButton;

namespace EasyCrm::Ui {

// One brand account on Settings — Social Integration — Brand Accounts, in the look of a
// provider row: badge, the account's name with its provider, the coloured state line, the
// reason a connection degraded, and the actions its state allows (Details, Reconnect,
// Disconnect, Remove).
class BrandAccountRow final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BrandAccountRow)

public:
    using Action = Models::BrandAccountsModel::Action;
    using Actions = Models::BrandAccountsModel::Actions;

    BrandAccountRow(const QUuid &brandAccountId, const QUuid &connectionId,
                    QWidget *parent = nullptr);

    QUuid brandAccountId() const { return m_brandAccountId; }
    QUuid connectionId() const { return m_connectionId; }
    QString accountName() const;
    // Shows what the model holds for this row at `index`.
    void showData(const QModelIndex &index);
    // Without ManageBrandAccounts there is no Remove.
    void setCanManage(bool canManage);
    // While any connect attempt runs, on this page or another, nothing may start here.
    void setFlowRunning(bool running);

signals:
    void actionTriggered(EasyCrm::Models::BrandAccountsModel::Action action);

private:
    void setUpLook();
    void buildLayout();
    QPushButton *addButton(const QString &name, const QString &text, const QString &look,
                           Action action);
    void applyButtons();

    QUuid m_brandAccountId;
    QUuid m_connectionId;
    Actions m_actions;
    bool m_canManage = false;
    bool m_flowRunning = false;
    QString m_providerKey;
    QLabel *m_badge = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_provider = nullptr;
    QLabel *m_stateDot = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_reason = nullptr;
    QWidget *m_buttonHolder = nullptr;
    QPushButton *m_details = nullptr;
    QPushButton *m_reconnect = nullptr;
    QPushButton *m_disconnect = nullptr;
    QPushButton *m_remove = nullptr;
};

} // namespace EasyCrm::Ui
