#pragma once

#include <QString>
#include <QStringList>

// Names the CRM server reads. They are part of the contract with the server, so they live
// in one place and nowhere else.
namespace EasyCrm::Contract {

inline const QString kApplicationName = QStringLiteral("EasyCrm");
inline const QString kTokenPurpose = QStringLiteral("EasyCrm.SocialCrm.IntegrationTokens");
inline const QString kClientName = QStringLiteral("EasyCrm.SocialConnect.Desktop");

// Audit: the service and action names of AbpAuditLogActions.
inline const QString kAuditServiceName = QStringLiteral("EasyCrm.SocialCrm.SocialConnections");
inline const QString kConnectionEntityType =
    QStringLiteral("EasyCrm.SocialCrm.IntegrationConnections.IntegrationConnection");
inline const QString kActionConnectionCreated = QStringLiteral("SocialConnectionCreated");
inline const QString kActionConnectionReconnected = QStringLiteral("SocialConnectionReconnected");
inline const QString kActionConnectionRevoked = QStringLiteral("SocialConnectionRevoked");
inline const QString kBrandAccountEntityType =
    QStringLiteral("EasyCrm.SocialCrm.BrandAccounts.BrandAccount");
inline const QString kActionBrandAccountRemoved = QStringLiteral("SocialBrandAccountRemoved");
// Provider configuration by admins: the service, entity and action of its audit entries.
inline const QString kProviderAuditServiceName =
    QStringLiteral("EasyCrm.SocialCrm.ProviderConfigurations");
inline const QString kProviderConfigurationEntityType =
    QStringLiteral("EasyCrm.SocialCrm.ProviderConfigurations.ProviderConfiguration");
inline const QString kActionProviderConfigurationChanged =
    QStringLiteral("SocialProviderConfigurationChanged");

// AbpSecurityLogs for OAuth anomalies.
inline const QString kSecurityIdentity = QStringLiteral("SocialIntegration");
inline const QString kSecurityStateRejected = QStringLiteral("SocialOAuthStateRejected");
inline const QString kSecurityIssuerMismatch = QStringLiteral("SocialOAuthIssuerMismatch");

// Background jobs: ABP names a job by its args type's full name.
inline const QString kJobProfileEnrichment =
    QStringLiteral("EasyCrm.SocialCrm.Jobs.SocialProfileEnrichmentJobArgs");
inline const QString kJobMentionBackfill =
    QStringLiteral("EasyCrm.SocialCrm.Jobs.SocialMentionBackfillJobArgs");
inline constexpr int kMentionBackfillDays = 7;
inline constexpr int kJobPriorityNormal = 15;

// Distributed events in AbpEventOutbox.
inline const QString kEventConnectionDegraded = QStringLiteral("SocialConnectionDegraded");

// The loopback redirect path registered with every provider.
inline const QString kCallbackPath = QStringLiteral("/api/integrations/social/callback");

} // namespace EasyCrm::Contract

// Sign-in, as ABP's Account module records it in AbpSecurityLogs
// (IdentitySecurityLogIdentityConsts, IdentitySecurityLogActionConsts).
namespace EasyCrm::Contract {

inline const QString kSignInIdentity = QStringLiteral("Identity");
inline const QString kSignInSucceeded = QStringLiteral("LoginSucceeded");
inline const QString kSignInLockedOut = QStringLiteral("LoginLockedout");
inline const QString kSignInNotAllowed = QStringLiteral("LoginNotAllowed");
inline const QString kSignInFailed = QStringLiteral("LoginFailed");
inline const QString kSignInInvalidUserName = QStringLiteral("LoginInvalidUserName");

// Permissions the client checks (AbpPermissionGrants.Name), defined by the CRM server.
inline const QString kPermissionUseBrandAccounts =
    QStringLiteral("EasyCrm.SocialCrm.UseBrandAccounts");
inline const QString kPermissionManageProviders =
    QStringLiteral("EasyCrm.SocialCrm.ManageProviders");
inline const QString kPermissionManageBrandAccounts =
    QStringLiteral("EasyCrm.SocialCrm.ManageBrandAccounts");
// Every EasyCrm.SocialCrm.* permission: what the embedded default's local admin role holds.
inline const QStringList kSocialCrmPermissions = {
    kPermissionUseBrandAccounts, kPermissionManageProviders, kPermissionManageBrandAccounts};

} // namespace EasyCrm::Contract
