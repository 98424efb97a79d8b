#pragma once

#include "core/service/providerstatus.h"
#include "models/brandaccountsmodel.h"

#include <QList>
#include <QPointer>
#include <QUrl>
#include <QUuid>
#include <QWidget>

class QFrame;
class QLabel;
class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace EasyCrm::Models {
class ProviderListModel;
}

namespace EasyCrm::Ui {

class AddBrandAccountDialog;
class BrandAccountRow;
class MessageStrip;
class WaitingPanel;

// Settings — Social Integration — Brand Accounts: the tenant's brand accounts, one row each,
// the Add Brand Account dialog, the waiting panel of a reconnect under its row, and an inline
// strip for outcomes. Like the Social Integration page it asks through signals and shows
// what it is told; the app wires both to the connection service.
//
//   Add Brand Account ─► dialog ─► addRequested(name, key) ─► showWaiting / showPhase
//                                  (in the dialog) ─► showSuccess (closes it) | showError
//   Reconnect ─► reconnectRequested(id) ─► showWaiting / showPhase (under the row) ─► outcome
//   Cancel (either waiting panel) ─► cancelRequested()     (the waiting ends at once)
class BrandAccountsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BrandAccountsPage)

public:
    // `providers` lists what the add dialog offers (configured or not); either model may be
    // null.
    BrandAccountsPage(Models::BrandAccountsModel *model, Models::ProviderListModel *providers,
                      QWidget *parent = nullptr);
    ~BrandAccountsPage() override;

    // With ManageBrandAccounts: Add Brand Account and Remove.
    void setCanManage(bool canManage);
    bool canManage() const { return m_canManage; }
    // An attempt of this page runs (an add in the dialog or a reconnect on a row).
    bool isWaiting() const { return m_target != Target::None; }
    // The open Add Brand Account dialog, or null.
    AddBrandAccountDialog *addDialog() const;
    QList<BrandAccountRow *> rows() const { return m_rows; }

signals:
    void addRequested(const QString &name, const QString &providerKey);
    void reconnectRequested(const QUuid &connectionId);
    void disconnectRequested(const QUuid &connectionId);
    void removeRequested(const QUuid &brandAccountId);
    void detailsRequested(const QUuid &connectionId);
    void cancelRequested();

public slots:
    void openAddDialog();
    // The browser was sent to `authorizeUrl`; offered to copy, never displayed.
    void showWaiting(const QUrl &authorizeUrl);
    void showPhase(EasyCrm::FlowPhase phase);
    // Each ends the waiting; in the add dialog while it is open, else on the page.
    void showSuccess(const QString &message);
    void showError(const QString &message);
    void showInfo(const QString &message);
    void clearWaiting();
    // An attempt of the Social Integration page runs: nothing may start here meanwhile.
    void setOtherAttemptRunning(bool running);

private:
    enum class Target { None, Add, Reconnect };

    void connectModel();
    QWidget *buildHeader();
    QWidget *buildList();
    QFrame *buildEmptyState(QWidget *parent);
    void rebuildRows();
    void updateRows(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void onRowAction(BrandAccountRow *row, Models::BrandAccountsModel::Action action);
    void onDialogSubmitted(const QString &name, const QString &providerKey);
    void onCancel();
    void placeWaitingPanel();
    void applyFlowState();
    void showEmptyTexts();
    [[nodiscard]] QString providerNameOf(const QUuid &connectionId) const;
    [[nodiscard]] bool dialogOpen() const;

    QPointer<Models::BrandAccountsModel> m_model;
    QPointer<Models::ProviderListModel> m_providers;
    QList<BrandAccountRow *> m_rows;
    QPointer<AddBrandAccountDialog> m_dialog;
    Target m_target = Target::None;
    QUuid m_reconnectId;
    bool m_canManage = false;
    bool m_otherRunning = false;
    QPushButton *m_addButton = nullptr;
    QWidget *m_addHolder = nullptr;
    QScrollArea *m_scroll = nullptr;
    QVBoxLayout *m_rowsLayout = nullptr;
    QFrame *m_emptyState = nullptr;
    QLabel *m_emptyHint = nullptr;
    MessageStrip *m_messageStrip = nullptr;
    WaitingPanel *m_waitingPanel = nullptr;
};

} // namespace EasyCrm::Ui
