#pragma once

#include "core/common/error.h"

#include <QObject>
#include <QUuid>

#include <functional>

namespace EasyCrm {
class ConnectionService;
}
namespace EasyCrm::Db {
class Database;
}
namespace EasyCrm::Models {
class BrandAccountsModel;
}
namespace EasyCrm::Ui {
class BrandAccountsPage;
}

namespace EasyCrm::App {

class ServiceChannel;

// Wires Settings — Social Integration — Brand Accounts to the connection service: the page
// asks, the service acts (and refuses what the signed-in user may not do), and the model
// shows what the database now holds. The service's one connect attempt at a time is shared
// with Social Integration through the service's router.
class BrandAccountsController final : public QObject
{
    Q_OBJECT

public:
    using Confirm = std::function<bool(const QString &accountName)>;

    // `database` is the service's: the connection details are read from it.
    BrandAccountsController(ConnectionService *service, Db::Database &database,
                            Models::BrandAccountsModel *model, Ui::BrandAccountsPage *page,
                            QObject *parent = nullptr);

    // Asked before a disconnect and before a removal; the defaults ask in a dialog.
    void setConfirmDisconnect(Confirm confirm) { m_confirmDisconnect = std::move(confirm); }
    void setConfirmRemove(Confirm confirm) { m_confirmRemove = std::move(confirm); }

public slots:
    void reload();

private:
    void connectPage();
    void connectChannel();
    void onAddRequested(const QString &name, const QString &providerKey);
    void onReconnectRequested(const QUuid &connectionId);
    void onDisconnectRequested(const QUuid &connectionId);
    void onRemoveRequested(const QUuid &brandAccountId);
    void onDetailsRequested(const QUuid &connectionId);
    void onConnectSucceeded(const QString &handle);
    void onDisconnectFinished(const QString &name, const Error &revocation);
    [[nodiscard]] QString nameOf(const QUuid &connectionId) const;

    ConnectionService *m_service;
    Db::Database &m_database;
    Models::BrandAccountsModel *m_model;
    Ui::BrandAccountsPage *m_page;
    ServiceChannel *m_channel = nullptr;
    Confirm m_confirmDisconnect;
    Confirm m_confirmRemove;
    // What the running attempt of this page is for, to say so when it ends.
    QString m_attemptName;
    bool m_attemptIsNew = false;
};

} // namespace EasyCrm::App
