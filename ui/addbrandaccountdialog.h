#pragma once

#include "core/service/providerstatus.h"

#include <QDialog>
#include <QList>
#include <QUrl>

class QDialogButtonBox;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace EasyCrm::Ui {

class MessageStrip;
class WaitingPanel;

// A provider the new brand account may live at; only configured ones can be chosen.
struct ProviderChoice
{
    QString key;
    QString name;
    bool configured = false;
};

// Settings — Social Integration — Brand Accounts — Add Brand Account: a name and a provider,
// then the connect flow's waiting state (Cancel, Copy link) while the browser is out, and
// what went wrong inline, so the person can correct it and connect again. The page closes
// it once the account is connected.
//
//   Connect ─► submitted(name, key) ─► showWaiting / showPhase ─► the page closes it (done)
//                                                              └► showError (form again)
//   Cancel in the waiting panel, or closing it while waiting ─► cancelRequested()
class AddBrandAccountDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AddBrandAccountDialog)

public:
    static constexpr int kMaxNameLength = 128;

    explicit AddBrandAccountDialog(const QList<ProviderChoice> &providers,
                                   QWidget *parent = nullptr);

    QString accountName() const;
    QString providerKey() const;
    bool isWaiting() const { return m_waiting; }

public slots:
    void showWaiting(const QUrl &authorizeUrl);
    void showPhase(EasyCrm::FlowPhase phase);
    // Ends the waiting: the form can be changed and sent again.
    void showError(const QString &message);
    void showInfo(const QString &message);
    void endWaiting();
    void reject() override;

signals:
    void submitted(const QString &name, const QString &providerKey);
    void cancelRequested();

private:
    QWidget *buildHeader();
    QWidget *buildForm(const QList<ProviderChoice> &providers);
    void fillProviders(const QList<ProviderChoice> &providers);
    void fitToProviders();
    void updateConnectButton();
    void setWaiting(bool waiting);
    void onConnect();
    void onCancelWaiting();

    bool m_waiting = false;
    QLineEdit *m_name = nullptr;
    QListWidget *m_providers = nullptr;
    MessageStrip *m_message = nullptr;
    WaitingPanel *m_waitingPanel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_connect = nullptr;
};

} // namespace EasyCrm::Ui
