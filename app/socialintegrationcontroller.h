#pragma once

#include <QObject>

#include <functional>

namespace EasyCrm {
class ConnectionService;
}
namespace EasyCrm::Models {
class ProviderListModel;
}
namespace EasyCrm::Ui {
class SocialIntegrationPage;
}

namespace EasyCrm::App {

class ServiceChannel;

// Wires Settings — Social Integration to the connection service: the page asks, the service
// acts, and the model shows what the database now holds.
class SocialIntegrationController final : public QObject
{
    Q_OBJECT

public:
    using Confirm = std::function<bool(const QString &providerName)>;

    SocialIntegrationController(ConnectionService *service, Models::ProviderListModel *model,
                                Ui::SocialIntegrationPage *page, QObject *parent = nullptr);

    // Asked before a disconnect; the default asks the person in a dialog.
    void setConfirmDisconnect(Confirm confirm) { m_confirmDisconnect = std::move(confirm); }

public slots:
    void reload();

private:
    void startConnect(const QString &providerKey);
    void onDisconnectRequested(const QString &providerKey);
    QString providerName(const QString &providerKey) const;

    ConnectionService *m_service;
    Models::ProviderListModel *m_model;
    Ui::SocialIntegrationPage *m_page;
    ServiceChannel *m_channel = nullptr;
    Confirm m_confirmDisconnect;
};

} // namespace EasyCrm::App
