#pragma once

#include "core/service/providerstatus.h"
#include "models/providerlistmodel.h"

#include <QList>
#include <QPointer>
#include <QUrl>
#include <QWidget>

class QLabel;
class QScrollArea;
class QVBoxLayout;

namespace EasyCrm::Ui {

class MessageStrip;
class ProviderRow;
class WaitingPanel;

// Settings — Social Integration: one row per provider of the model, the waiting panel of a
// running connect attempt, and an inline strip for outcomes. It asks for actions through
// signals and shows what it is told through slots; the app wires both to the service.
//
//   Connect ─► connectRequested(key) ─► service ─► showPhase(Preparing, key)
//            ─► showWaiting(key, url) ─► showPhase(Exchanging|Verifying|Saving, key)
//            ─► showSuccess(text) | showError(text)    (either ends the waiting)
//   Cancel  ─► cancelRequested()                        (the waiting ends at once)
class SocialIntegrationPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SocialIntegrationPage)

public:
    explicit SocialIntegrationPage(Models::ProviderListModel *model, QWidget *parent = nullptr);
    ~SocialIntegrationPage() override;

    // The provider whose connect attempt is shown, or empty.
    QString waitingProviderKey() const { return m_waitingKey; }

signals:
    void connectRequested(const QString &providerKey);
    void disconnectRequested(const QString &providerKey);
    void reconnectRequested(const QString &providerKey);
    void cancelRequested();
    void detailsRequested(const QString &providerKey);

public slots:
    // The browser was sent to `authorizeUrl`; offered to copy, never displayed.
    void showWaiting(const QString &providerKey, const QUrl &authorizeUrl);
    void showPhase(EasyCrm::FlowPhase phase, const QString &providerKey);
    void showSuccess(const QString &message);
    void showError(const QString &message);
    void showInfo(const QString &message);
    void clearWaiting();
    // An attempt of the Brand Accounts page runs: nothing may start here meanwhile.
    void setOtherAttemptRunning(bool running);

private:
    void connectModel();
    void buildHeader(QVBoxLayout *layout);
    QWidget *buildProviderList();
    void rebuildRows();
    void updateRows(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void beginWaiting(const QString &providerKey, const QUrl &authorizeUrl);
    void placeWaitingPanel();
    void setFlowRunning(bool running);
    void onRowAction(const QString &providerKey, Models::ProviderListModel::Action action);
    void onCancel();
    void onLinkCopied();

    QPointer<Models::ProviderListModel> m_model;
    QList<ProviderRow *> m_rows;
    QScrollArea *m_scroll = nullptr;
    QVBoxLayout *m_rowsLayout = nullptr;
    QLabel *m_emptyLabel = nullptr;
    MessageStrip *m_messageStrip = nullptr;
    WaitingPanel *m_waitingPanel = nullptr;
    QString m_waitingKey;
    bool m_otherRunning = false;
};

} // namespace EasyCrm::Ui
