#include "models/connectionreasons.h"

#include "core/service/crmcontract.h"

namespace EasyCrm::Models {

// The refresh scheduler's codes (RefreshScheduler); the connection's details keep the code.
QString ConnectionReasons::degradedText(const QString &code, const QString &providerName)
{
    if (code == u"RefreshTokenRejected") {
        //: %1 is a provider name such as LinkedIn.
        return tr("%1 no longer accepts the stored refresh token: it was revoked or it expired.")
            .arg(providerName);
    }
    if (code == u"AccessTokenExpired") {
        //: %1 is a provider name such as LinkedIn.
        return tr("The access token expired, and %1 gives no refresh token to renew it.")
            .arg(providerName);
    }
    if (code == u"ClientRejected") {
        //: %1 is a provider name such as LinkedIn.
        return tr("%1 rejected EasyCRM's client registration. Ask your administrator to check "
                  "the provider configuration.")
            .arg(providerName);
    }
    if (code.isEmpty())
        return tr("The provider no longer accepts the stored tokens.");
    return code;
}

QString ConnectionReasons::historyText(const QString &code)
{
    //: Why a connection changed state, in its history.
    if (code == Contract::kActionConnectionCreated)
        return tr("Connected");
    if (code == Contract::kActionConnectionReconnected)
        return tr("Reconnected");
    if (code == Contract::kActionConnectionRevoked || code == u"Disconnected")
        return tr("Disconnected");
    if (code == u"RefreshTokenRejected")
        return tr("Refresh token revoked or expired");
    if (code == u"AccessTokenExpired")
        return tr("Access token expired without a refresh token");
    if (code == u"ClientRejected")
        return tr("Client registration rejected by the provider");
    if (code == u"AccessTokenRejected")
        return tr("Access token rejected by the provider");
    if (code == u"RefreshRecovered")
        return tr("Refreshed again after failed attempts");
    if (code == u"AccessTokenExtended")
        return tr("Access token extended");
    return code;
}

} // namespace EasyCrm::Models
