#include "core/service/providerconfigcheck.h"

#include "core/oauth/httpexchange.h"
#include "core/oauth/replytracker.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>

Q_LOGGING_CATEGORY(lcConfigCheck, "easycrm.service.providers.check", QtInfoMsg)

namespace EasyCrm {

namespace {

// A discovery document is a few kilobytes; anything far larger is not one.
constexpr qint64 kMaxDocument = 1024 * 1024;

QString hostAndPort(const QUrl &url)
{
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

// OpenID Connect Discovery 1.0 §4: the issuer without a terminating "/", then the well-known
// path.
QUrl discoveryUrl(const QString &issuer)
{
    QUrl url(issuer, QUrl::StrictMode);
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QStringLiteral("/.well-known/openid-configuration"));
    return url;
}

// Endpoint URLs compare as URLs (case of the host, an explicit default port); issuers do not:
// Discovery §4.3 wants the issuer exactly as configured.
bool sameEndpoint(const QString &a, const QUrl &b)
{
    const auto normal = [](const QUrl &url) {
        return url.adjusted(QUrl::NormalizePathSegments).toString(QUrl::FullyEncoded);
    };
    QUrl left(a, QUrl::StrictMode);
    QUrl right = b;
    for (QUrl *url : {&left, &right}) {
        if ((url->scheme() == u"https" && url->port() == 443) ||
            (url->scheme() == u"http" && url->port() == 80))
            url->setPort(-1);
    }
    return left.isValid() && normal(left) == normal(right);
}

} // namespace

bool isAcceptableProviderAddress(const QUrl &url)
{
    const QString host = url.host();
    const bool local = host == u"127.0.0.1" || host == u"localhost";
    return url.isValid() && !url.isRelative() && !host.isEmpty() && url.userInfo().isEmpty() &&
           !url.hasFragment() && (url.scheme() == u"https" || (url.scheme() == u"http" && local));
}

ProviderConfigCheck::ProviderConfigCheck(QNetworkAccessManager *network,
                                         std::chrono::milliseconds timeout, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_timeout(timeout)
    , m_replies(std::make_unique<OAuth::ReplyTracker>(this))
{}

ProviderConfigCheck::~ProviderConfigCheck() = default;

void ProviderConfigCheck::start(const ProviderDescriptor &provider)
{
    m_provider = provider;
    m_checks.clear();
    // Held until every row is placed and released from the event loop, so the outcome always
    // arrives asynchronously, even when no request was needed.
    ++m_pending;
    addEndpointCheck(tr("Authorization endpoint"), provider.authorizeEndpoint,
                     ProviderField::AuthorizeEndpoint);
    addEndpointCheck(tr("Token endpoint"), provider.tokenEndpoint, ProviderField::TokenEndpoint,
                     Probe::EmptyPost);
    addEndpointCheck(tr("Revocation endpoint"), provider.revocationEndpoint,
                     ProviderField::RevocationEndpoint, Probe::EmptyPost);
    addEndpointCheck(tr("Profile endpoint"), provider.profileEndpoint,
                     ProviderField::ProfileEndpoint);
    addDiscoveryCheck();
    qCInfo(lcConfigCheck).noquote()
        << "checking" << provider.key << "with" << m_pending - 1 << "requests";
    m_replies->later([this] { requestDone(); });
}

void ProviderConfigCheck::addEndpointCheck(const QString &title, const QUrl &url,
                                           ProviderField field, Probe probe)
{
    const qsizetype row = m_checks.size();
    m_checks.append({title, CheckVerdict::Skipped, {}, field});
    if (url.isEmpty()) {
        //: A provider without this endpoint (Facebook has no revocation endpoint).
        m_checks[row].text = tr("None configured.");
        return;
    }
    if (!isAcceptableProviderAddress(url)) {
        m_checks[row].verdict = CheckVerdict::Failed;
        m_checks[row].text = tr("Not checked: %1 is not an https address (http only for "
                                "127.0.0.1 or localhost).")
                                 .arg(url.toDisplayString());
        return;
    }
    ++m_pending;
    QNetworkReply *reply = probe == Probe::EmptyPost ? postEmptyForm(url) : get(url);
    m_replies->track(reply, [this, row](QNetworkReply *answer) { onEndpointAnswer(row, answer); });
}

void ProviderConfigCheck::addDiscoveryCheck()
{
    const qsizetype row = m_checks.size();
    m_checks.append({tr("Discovery document"), CheckVerdict::Skipped, {}, ProviderField::Issuer});
    if (m_provider.protocol != ProviderProtocol::Oidc) {
        m_checks[row].text = tr("%1 uses OAuth 2.0 without OpenID Connect: it publishes no "
                                "discovery document to compare with.")
                                 .arg(m_provider.displayName);
        return;
    }
    if (m_provider.issuer.isEmpty()) {
        m_checks[row].verdict = CheckVerdict::Failed;
        m_checks[row].text = tr("No issuer is configured, so the discovery document cannot be "
                                "found.");
        return;
    }
    const QUrl url = discoveryUrl(m_provider.issuer);
    if (!isAcceptableProviderAddress(url)) {
        m_checks[row].verdict = CheckVerdict::Failed;
        m_checks[row].text = tr("Not checked: the issuer %1 is not an https address (http only "
                                "for 127.0.0.1 or localhost).")
                                 .arg(m_provider.issuer);
        return;
    }
    ++m_pending;
    m_replies->track(get(url),
                     [this, row](QNetworkReply *reply) { onDiscoveryAnswer(row, reply); });
}

// A bare GET: no client id, no secret, no cookies, no redirects followed (a redirect is an
// answer too), and the request's own timeout.
QNetworkReply *ProviderConfigCheck::get(const QUrl &url)
{
    return m_network->get(OAuth::jsonRequest(url, m_timeout));
}

// A form without a single parameter: a token or revocation endpoint refuses it (400 or 401)
// without learning who asks.
QNetworkReply *ProviderConfigCheck::postEmptyForm(const QUrl &url)
{
    QNetworkRequest request = OAuth::jsonRequest(url, m_timeout);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArray("application/x-www-form-urlencoded"));
    return m_network->post(request, QByteArray());
}

void ProviderConfigCheck::onEndpointAnswer(qsizetype row, QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // Any other answer, even a refusal or a server error, says an endpoint lives there; 404 and
    // 410 say the address is wrong.
    if (status == 404 || status == 410)
        settle(row, CheckVerdict::Failed,
               tr("Nothing at %1: the server answered HTTP %2.")
                   .arg(reply->url().toDisplayString())
                   .arg(status));
    else if (status > 0)
        settle(row, CheckVerdict::Passed,
               tr("Reachable: the server answered HTTP %1.").arg(status));
    else
        settle(row, CheckVerdict::Failed, unreachable(reply));
    requestDone();
}

void ProviderConfigCheck::onDiscoveryAnswer(qsizetype row, QNetworkReply *reply)
{
    const QString where = reply->url().toDisplayString();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        settle(row, CheckVerdict::Failed, unreachable(reply));
    } else if (status != 200) {
        settle(
            row, CheckVerdict::Failed,
            tr("No discovery document at %1: the server answered HTTP %2.").arg(where).arg(status));
    } else if (reply->bytesAvailable() > kMaxDocument) {
        settle(row, CheckVerdict::Failed,
               tr("The answer at %1 is too large to be a discovery document.").arg(where));
    } else {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(reply->readAll(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            settle(row, CheckVerdict::Failed,
                   tr("The answer at %1 is not a JSON discovery document.").arg(where));
        } else {
            settle(row, CheckVerdict::Passed, tr("Found at %1.").arg(where));
            compareDiscovery(document.object());
        }
    }
    requestDone();
}

// Discovery §4.3: the document's issuer must be identical to the configured one (a mix-up
// defence); its endpoints are what the provider itself says they are.
void ProviderConfigCheck::compareDiscovery(const QJsonObject &document)
{
    m_checks.append(issuerCheck(document));
    m_checks.append(endpointsCheck(document));
}

ConfigCheck ProviderConfigCheck::issuerCheck(const QJsonObject &document) const
{
    const QString issuer = document.value(u"issuer").toString();
    ConfigCheck row{tr("Issuer"), CheckVerdict::Passed, {}, ProviderField::Issuer};
    if (issuer == m_provider.issuer) {
        row.text = tr("The discovery document names the configured issuer %1.").arg(issuer);
        return row;
    }
    row.verdict = CheckVerdict::Failed;
    row.text = issuer.isEmpty() ? tr("The discovery document names no issuer.")
                                : tr("The discovery document names the issuer %1, but %2 is "
                                     "configured.")
                                      .arg(issuer, m_provider.issuer);
    return row;
}

ConfigCheck ProviderConfigCheck::endpointsCheck(const QJsonObject &document) const
{
    ConfigCheck row{
        tr("Endpoints in the discovery document"), CheckVerdict::Passed, {}, ProviderField::None};
    QStringList differences;
    const auto compare = [&](const QString &member, const QUrl &configured, const QString &name,
                             ProviderField field) {
        const QString published = document.value(member).toString();
        if (sameEndpoint(published, configured))
            return;
        if (row.field == ProviderField::None)
            row.field = field;
        //: %1 names the endpoint ("The token endpoint"), %2 and %3 are addresses.
        differences << tr("%1 differs: the discovery document names %2, but %3 is configured.")
                           .arg(name, published.isEmpty() ? tr("none") : published,
                                configured.toDisplayString());
    };
    compare(QStringLiteral("authorization_endpoint"), m_provider.authorizeEndpoint,
            tr("The authorization endpoint"), ProviderField::AuthorizeEndpoint);
    compare(QStringLiteral("token_endpoint"), m_provider.tokenEndpoint, tr("The token endpoint"),
            ProviderField::TokenEndpoint);
    if (differences.isEmpty()) {
        row.text = tr("The authorization and token endpoints match the configured ones.");
        return row;
    }
    row.verdict = CheckVerdict::Failed;
    row.text = differences.join(u'\n');
    return row;
}

QString ProviderConfigCheck::unreachable(QNetworkReply *reply) const
{
    const QString where = hostAndPort(reply->url());
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return tr("Not reachable: %1 refused the connection.").arg(where);
    case QNetworkReply::HostNotFoundError:
        return tr("Not reachable: the host name %1 could not be resolved.")
            .arg(reply->url().host());
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError: {
        // The reply tracker disconnects before its own aborts: a cancel is the timeout.
        //: %2 is a number of seconds, such as 10 or 0.5.
        return tr("Not reachable: %1 did not answer in time (waited %2 s).")
            .arg(where, QString::number(static_cast<double>(m_timeout.count()) / 1000.0, 'g', 3));
    }
    case QNetworkReply::SslHandshakeFailedError:
        return tr("Not reachable: the secure connection (TLS) to %1 failed. %2")
            .arg(where, reply->errorString());
    case QNetworkReply::RemoteHostClosedError:
        return tr("Not reachable: %1 closed the connection without answering.").arg(where);
    default:
        return tr("Not reachable: %1").arg(reply->errorString());
    }
}

void ProviderConfigCheck::settle(qsizetype row, CheckVerdict verdict, const QString &text)
{
    m_checks[row].verdict = verdict;
    m_checks[row].text = text;
}

void ProviderConfigCheck::requestDone()
{
    if (--m_pending > 0)
        return;
    const auto failed = std::count_if(m_checks.cbegin(), m_checks.cend(), [](const auto &check) {
        return check.verdict == CheckVerdict::Failed;
    });
    qCInfo(lcConfigCheck).noquote()
        << "checked" << m_provider.key << "-" << m_checks.size() << "rows," << failed << "failed";
    emit finished(m_checks);
}

} // namespace EasyCrm
