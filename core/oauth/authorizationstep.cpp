#include "core/oauth/authorizationstep.h"

#include "core/oauth/httpexchange.h"
#include "core/oauth/logging.h"
#include "core/oauth/loopbackreplyhandler.h"

#include <QLoggingCategory>
#include <QOAuth2AuthorizationCodeFlow>
#include <QUrlQuery>

#include <optional>

namespace EasyCrm::OAuth {

namespace {

using Parameters = QList<QPair<QString, QString>>;

// RFC 7636 §4.1 verifier length; RFC 9700 §4.7.1 state entropy (32 bytes, base64url).
constexpr qsizetype kShortestVerifier = 43;
constexpr qsizetype kLongestVerifier = 128;
constexpr qsizetype kShortestState = 43;

// Qt 6.4 logs the whole authorization URL, state included, at debug level in
// qt.networkauth.oauth2. While the URL is built those debug lines stay off, whatever the
// logging rules say.
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;

void withoutNetworkAuthDebug(QLoggingCategory *category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrncmp(category->categoryName(), "qt.networkauth", 14) == 0)
        category->setEnabled(QtDebugMsg, false);
}

class NetworkAuthDebugSilenced
{
public:
    NetworkAuthDebugSilenced()
    {
        g_previousFilter = QLoggingCategory::installFilter(&withoutNetworkAuthDebug);
    }
    ~NetworkAuthDebugSilenced() { QLoggingCategory::installFilter(g_previousFilter); }
    Q_DISABLE_COPY_MOVE(NetworkAuthDebugSilenced)
};

// Qt 6.4 puts each value through QUrlQuery::addQueryItem, which leaves a '+' as it is (a
// form decoder reads a space) and takes "%xx" for an escape. Encoding every value here, all
// but the unreserved characters, makes the URL carry each value exactly.
void encodeOnce(QMultiMap<QString, QVariant> *parameters, const Parameters &wanted)
{
    parameters->clear();
    for (const auto &[name, value] : wanted)
        parameters->insert(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
}

// The query as the provider decodes it. A literal '+' would be read as a space by a form
// decoder and as a plus by others, so it makes the URL ambiguous.
std::optional<Parameters> decodedQuery(const QUrl &url)
{
    Parameters decoded;
    const QByteArray query = url.query(QUrl::FullyEncoded).toLatin1();
    if (query.contains('+'))
        return std::nullopt;
    for (const QByteArray &pair : query.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        const QByteArray name = equals < 0 ? pair : pair.first(equals);
        const QByteArray value = equals < 0 ? QByteArray() : pair.sliced(equals + 1);
        decoded.append({QString::fromUtf8(QByteArray::fromPercentEncoding(name)),
                        QString::fromUtf8(QByteArray::fromPercentEncoding(value))});
    }
    return decoded;
}

// Every wanted parameter exactly once with its value; names Qt added are reported.
bool carriesExactly(const Parameters &actual, const Parameters &wanted, QStringList *added)
{
    for (const auto &[name, value] : wanted) {
        const auto sameName = [&name](const QPair<QString, QString> &p) {
            return p.first == name;
        };
        const auto found = std::find_if(actual.begin(), actual.end(), sameName);
        if (std::count_if(actual.begin(), actual.end(), sameName) != 1 || found->second != value)
            return false;
    }
    for (const auto &[name, value] : actual) {
        const auto sameName = [&name](const QPair<QString, QString> &p) {
            return p.first == name;
        };
        if (std::none_of(wanted.begin(), wanted.end(), sameName))
            added->append(name);
    }
    return true;
}

} // namespace

AuthorizationStep::AuthorizationStep(AuthorizationRequest request, LoopbackReplyHandler *handler,
                                     QObject *parent)
    : QObject(parent)
    , m_request(std::move(request))
    , m_handler(handler)
{}

AuthorizationStep::~AuthorizationStep() = default;

QUrl AuthorizationStep::redirectUri() const
{
    if (!m_request.redirectUri.isEmpty())
        return m_request.redirectUri;
    if (m_handler && m_handler->isListening())
        return QUrl(m_handler->callback(), QUrl::StrictMode);
    return {};
}

Parameters AuthorizationStep::parameters() const
{
    const ProviderDescriptor &provider = m_request.provider;
    Parameters wanted;
    // Qt 6.4 replaces the endpoint's own query; its parameters are carried over.
    for (const auto &item : QUrlQuery(provider.authorizeEndpoint).queryItems(QUrl::FullyDecoded))
        wanted.append(item);
    wanted.append({QStringLiteral("response_type"), QStringLiteral("code")});
    wanted.append({provider.clientIdParameter, m_request.clientId});
    wanted.append({QStringLiteral("redirect_uri"), redirectUri().toString(QUrl::FullyEncoded)});
    if (!m_request.scopes.isEmpty())
        wanted.append({QStringLiteral("scope"), m_request.scopes.join(provider.scopeSeparator)});
    wanted.append({QStringLiteral("state"), QString::fromLatin1(m_request.state)});
    wanted.append(
        {QStringLiteral("code_challenge"), QString::fromLatin1(m_request.pkce.challenge)});
    wanted.append({QStringLiteral("code_challenge_method"), m_request.pkce.method});
    for (auto it = provider.extraAuthorizeParameters.begin();
         it != provider.extraAuthorizeParameters.end(); ++it) {
        const auto sameName = [&it](const QPair<QString, QString> &p) {
            return p.first == it.key();
        };
        // A catalogue entry never replaces a protocol parameter.
        if (std::none_of(wanted.begin(), wanted.end(), sameName))
            wanted.append({it.key(), it.value()});
    }
    return wanted;
}

void AuthorizationStep::start()
{
    if (m_started) {
        qCWarning(lcFlow) << "An authorization attempt starts once; ignored a second start";
        return;
    }
    m_started = true;
    if (const Result<void> usable = checkRequest(); !usable) {
        qCWarning(lcFlow) << "Authorization request refused:" << errorCodeName(usable.error().code);
        emit failed(usable.error());
        return;
    }
    configureFlow();
    {
        const NetworkAuthDebugSilenced silenced;
        m_flow->grant();
    }
    // The flow would answer the handler's callbackReceived with its own token request. The
    // handler never emits it; this makes sure nothing else can make the flow do it either.
    disconnect(m_handler, &QAbstractOAuthReplyHandler::callbackReceived, m_flow, nullptr);
}

Result<void> AuthorizationStep::checkRequest() const
{
    const QString stage = QStringLiteral("authorization");
    if (Result<void> endpoint = checkEndpoint(m_request.provider.authorizeEndpoint, stage);
        !endpoint)
        return endpoint;
    if (m_request.clientId.isEmpty()) {
        return makeError(ErrorCode::ProviderNotConfigured,
                         tr("%1 has no client id. Ask your administrator to configure it.")
                             .arg(m_request.provider.displayName));
    }
    if (!m_handler || redirectUri().isEmpty()) {
        return makeError(ErrorCode::ListenFailed,
                         tr("EasyCRM is not ready to receive the answer from the browser."),
                         QStringLiteral("no listening reply handler"));
    }
    const qsizetype verifier = m_request.pkce.verifier.size();
    if (m_request.state.size() < kShortestState || verifier < kShortestVerifier ||
        verifier > kLongestVerifier || m_request.pkce.challenge.isEmpty() ||
        m_request.pkce.method != u"S256") {
        return makeError(ErrorCode::AuthorizationError,
                         tr("The sign-in could not be prepared safely."),
                         QStringLiteral("state or PKCE pair missing or too short"));
    }
    return {};
}

void AuthorizationStep::configureFlow()
{
    m_flow = new QOAuth2AuthorizationCodeFlow(this);
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    // Qt's own PKCE keeps its verifier to itself, but the verifier is stored with the pending
    // authorization and sent by TokenClient. The flow's is off so nothing is sent twice.
    m_flow->setPkceMethod(QOAuth2AuthorizationCodeFlow::PkceMethod::None);
#endif
    m_flow->setReplyHandler(m_handler);
    const ProviderDescriptor &provider = m_request.provider;
    m_flow->setAuthorizationUrl(provider.authorizeEndpoint);
    // grant() refuses to run without a token URL; the flow never uses it.
    m_flow->setAccessTokenUrl(provider.tokenEndpoint.isEmpty() ? provider.authorizeEndpoint
                                                               : provider.tokenEndpoint);
    m_flow->setClientIdentifier(m_request.clientId);
    m_flow->setScope(m_request.scopes.join(provider.scopeSeparator));
    // Qt 6.4 would otherwise invent an 8-character state once and reuse it for every grant.
    m_flow->setState(QString::fromLatin1(m_request.state));
    m_flow->setModifyParametersFunction(
        [wanted = parameters()](QAbstractOAuth::Stage stage,
                                QMultiMap<QString, QVariant> *parameters) {
            if (stage == QAbstractOAuth::Stage::RequestingAuthorization) {
                encodeOnce(parameters, wanted);
                return;
            }
            qCWarning(lcFlow) << "The flow tried to go past authorization; sent nothing of ours";
            parameters->clear();
        });
    connect(m_flow, &QAbstractOAuth::authorizeWithBrowser, this,
            &AuthorizationStep::onAuthorizeWithBrowser);
}

void AuthorizationStep::onAuthorizeWithBrowser(const QUrl &url)
{
    const QUrl endpoint = m_request.provider.authorizeEndpoint;
    const std::optional<Parameters> actual = decodedQuery(url);
    QStringList added;
    if (!actual || !carriesExactly(*actual, parameters(), &added) ||
        url.adjusted(QUrl::RemoveQuery) != endpoint.adjusted(QUrl::RemoveQuery)) {
        qCWarning(lcFlow) << "The authorization URL does not carry the intended parameters";
        emit failed(makeError(ErrorCode::AuthorizationError,
                              tr("The sign-in could not be prepared safely."),
                              QStringLiteral("authorization URL differs from the request")));
        return;
    }
    if (!added.isEmpty())
        qCWarning(lcFlow) << "The flow added parameters:" << added;
    qCInfo(lcFlow) << "Authorization URL ready for" << url.host();
    emit authorizeUrlReady(url);
}

} // namespace EasyCrm::OAuth
