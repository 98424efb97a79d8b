#include "core/oauth/profileclient.h"

#include "fakehttpserver.h"
#include "logcapture.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::OAuth;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(EasyCrm::ProfileMapping)

class TestProfileClient final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void mapsTheProfile_data();
    void mapsTheProfile();
    void sendsTheTokenAsBearer();
    void destroyedClientNeverCallsBack();
    void logsNoToken();

private:
    void fetch(ProfileClient &client, const ProfileMapping &mapping,
               std::optional<Result<Profile>> &result, const QByteArray &token = "tok");

    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<FakeHttpServer> m_server;
};

void TestProfileClient::init()
{
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_server = std::make_unique<FakeHttpServer>();
    QVERIFY(m_server->listen());
}

void TestProfileClient::cleanup()
{
    m_server.reset();
    m_nam.reset();
}

void TestProfileClient::fetch(ProfileClient &client, const ProfileMapping &mapping,
                              std::optional<Result<Profile>> &result, const QByteArray &token)
{
    client.fetch(m_server->url(QStringLiteral("/me")), mapping, token,
                 [&result](Result<Profile> profile) { result.emplace(std::move(profile)); });
    QTRY_VERIFY(result.has_value());
}

void TestProfileClient::mapsTheProfile_data()
{
    QTest::addColumn<int>("status"); // 0: the endpoint takes the request and never answers
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ProfileMapping>("mapping");
    QTest::addColumn<ErrorCode>("code"); // None: success
    QTest::addColumn<QString>("providerError");
    QTest::addColumn<QStringList>("expected"); // id, handle, display name

    const ProfileMapping flat{QStringLiteral("id"), QStringLiteral("acct"),
                              QStringLiteral("display_name")};
    const ProfileMapping x{QStringLiteral("data.id"), QStringLiteral("data.username"),
                           QStringLiteral("data.name")};
    const ProfileMapping tiktok{QStringLiteral("data.user.open_id"),
                                QStringLiteral("data.user.username"),
                                QStringLiteral("data.user.display_name")};
    QTest::newRow("x-nested-data")
        << 200 << QByteArray(R"({"data":{"id":"2244994945","name":"X Dev","username":"XDevs"}})")
        << x << ErrorCode::None << QString()
        << QStringList{QStringLiteral("2244994945"), QStringLiteral("XDevs"),
                       QStringLiteral("X Dev")};
    QTest::newRow("tiktok-deeply-nested")
        << 200
        << QByteArray(R"({"data":{"user":{"open_id":"-000abc","username":"tt",)"
                      R"("display_name":"T T"}},"error":{"code":"ok","message":""}})")
        << tiktok << ErrorCode::None << QString()
        << QStringList{QStringLiteral("-000abc"), QStringLiteral("tt"), QStringLiteral("T T")};
    QTest::newRow("numeric-id-beyond-double-precision")
        << 200 << QByteArray(R"({"id":1234567890123456789,"acct":"a","display_name":"A"})") << flat
        << ErrorCode::None << QString()
        << QStringList{QStringLiteral("1234567890123456789"), QStringLiteral("a"),
                       QStringLiteral("A")};
    QTest::newRow("small-numeric-id")
        << 200 << QByteArray(R"({"id":42})") << flat << ErrorCode::None << QString()
        << QStringList{QStringLiteral("42"), QString(), QString()};
    QTest::newRow("array-index")
        << 200 << QByteArray(R"({"data":[{"id":"7","username":"u"}]})")
        << ProfileMapping{QStringLiteral("data.0.id"), QStringLiteral("data.0.username"), {}}
        << ErrorCode::None << QString()
        << QStringList{QStringLiteral("7"), QStringLiteral("u"), QString()};
    QTest::newRow("missing-id") << 200 << QByteArray(R"({"acct":"a"})") << flat
                                << ErrorCode::ProfileMissingId << QString() << QStringList();
    QTest::newRow("empty-id") << 200 << QByteArray(R"({"id":""})") << flat
                              << ErrorCode::ProfileMissingId << QString() << QStringList();
    QTest::newRow("null-id") << 200 << QByteArray(R"({"id":null})") << flat
                             << ErrorCode::ProfileMissingId << QString() << QStringList();
    QTest::newRow("object-id") << 200 << QByteArray(R"({"id":{"v":1}})") << flat
                               << ErrorCode::ProfileMissingId << QString() << QStringList();
    QTest::newRow("tiktok-error-with-200")
        << 200 << QByteArray(R"({"data":{},"error":{"code":"access_token_invalid","message":"x"}})")
        << tiktok << ErrorCode::ProfileMissingId << QStringLiteral("access_token_invalid")
        << QStringList();
    QTest::newRow("http-401") << 401 << QByteArray(R"({"error":"invalid_token"})") << flat
                              << ErrorCode::HttpError << QStringLiteral("invalid_token")
                              << QStringList();
    QTest::newRow("http-500") << 500 << QByteArray("oops") << flat << ErrorCode::HttpError
                              << QString() << QStringList();
    QTest::newRow("non-json") << 200 << QByteArray("hello") << flat << ErrorCode::MalformedResponse
                              << QString() << QStringList();
    QTest::newRow("times-out") << 0 << QByteArray() << flat << ErrorCode::Timeout << QString()
                               << QStringList();
}

void TestProfileClient::mapsTheProfile()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ProfileMapping, mapping);
    QFETCH(ErrorCode, code);
    QFETCH(QString, providerError);
    QFETCH(QStringList, expected);

    ProfileClient client(m_nam.get());
    if (status == 0) {
        m_server->stayMute();
        client.setTimeout(300ms);
    } else {
        m_server->respond(status, body);
    }
    std::optional<Result<Profile>> result;
    fetch(client, mapping, result);
    if (QTest::currentTestFailed())
        return;

    if (code != ErrorCode::None) {
        QVERIFY(!result->ok());
        QCOMPARE(result->error().code, code);
        QCOMPARE(result->error().providerError, providerError);
        QCOMPARE(result->error().httpStatus, code == ErrorCode::HttpError ? status : 0);
        return;
    }
    QVERIFY2(result->ok(), qPrintable(result->error().detail));
    const Profile &profile = result->value();
    QCOMPARE((QStringList{profile.id, profile.handle, profile.displayName}), expected);
}

void TestProfileClient::sendsTheTokenAsBearer()
{
    m_server->respond(200, R"({"id":"1"})");
    ProfileClient client(m_nam.get());
    std::optional<Result<Profile>> result;
    fetch(client, {QStringLiteral("id"), {}, {}}, result, "at-123");
    if (QTest::currentTestFailed())
        return;
    const FakeHttpServer::Request &request = m_server->requests().first();
    QCOMPARE(request.method, QByteArray("GET"));
    QCOMPARE(request.target, QByteArray("/me"));
    QCOMPARE(request.header("Authorization"), QByteArray("Bearer at-123"));
    QCOMPARE(request.header("Accept"), QByteArray("application/json"));
}

void TestProfileClient::destroyedClientNeverCallsBack()
{
    m_server->stayMute();
    int calls = 0;
    auto client = std::make_unique<ProfileClient>(m_nam.get());
    client->fetch(m_server->url(QStringLiteral("/me")), {QStringLiteral("id"), {}, {}}, "tok",
                  [&calls](Result<Profile>) { ++calls; });
    QTRY_COMPARE(m_server->requests().size(), 1);
    client.reset();
    QVERIFY(!QTest::qWaitFor([&calls] { return calls > 0; }, 300));
}

void TestProfileClient::logsNoToken()
{
    const QByteArray token = "ya29.a0Af-secret-access-token";
    m_server->respond(401,
                      R"({"error":"invalid_token","error_description":"bad )" + token + R"("})");
    LogCapture logs;
    ProfileClient client(m_nam.get());
    std::optional<Result<Profile>> result;
    fetch(client, {QStringLiteral("id"), {}, {}}, result, token);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!logs.messages().isEmpty());
    QVERIFY(!logs.mentions(token));
    QVERIFY(!result->error().detail.contains(QString::fromLatin1(token)));
}

QTEST_GUILESS_MAIN(TestProfileClient)
#include "tst_profileclient.moc"
