// Settings — Social Integration — Providers as widgets: the list with each provider's state,
// the editor of the selected one (the secret never shown, default scopes always on,
// approval-only scopes marked, the redirect rule, endpoint overrides collapsed), what Save and
// Test configuration send, and where problems and results appear.
#include "core/common/providercatalogue.h"
#include "models/translations.h"
#include "tests/ui/screenshot.h"
#include "ui/providerconfigpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>

using namespace EasyCrm;
using EasyCrm::Ui::ProviderConfigPage;

Q_DECLARE_METATYPE(EasyCrm::ProviderField)

namespace {

const QString kStamp = QStringLiteral("0123456789abcdef0123456789abcdef");

// A provider as the service would list it, its facts from the catalogue.
ProviderSettings settingsOf(const char *key, ConfigOrigin origin, bool onHost = false)
{
    const ProviderDescriptor &p = *ProviderCatalogue::builtIn().find(QString::fromLatin1(key));
    ProviderSettings s;
    s.providerKey = p.key;
    s.providerName = p.displayName;
    s.protocol = p.protocol;
    s.portRule = p.redirectPort;
    QStringList all = p.defaultScopes + p.optionalScopes;
    for (const QString &scope : all)
        s.scopes << ScopeOption{scope, p.defaultScopes.contains(scope),
                                p.approvalOnlyScopes.contains(scope)};
    s.catalogueEndpoints = {p.authorizeEndpoint.toString(), p.tokenEndpoint.toString(),
                            p.revocationEndpoint.toString(), p.profileEndpoint.toString(),
                            p.issuer};
    s.origin = origin;
    s.actingOnHost = onHost;
    s.hostDefaultExists = origin == ConfigOrigin::HostDefault;
    s.enabledScopes = p.defaultScopes;
    if (origin != ConfigOrigin::NotConfigured)
        s.concurrencyStamp = kStamp;
    return s;
}

QList<ProviderSettings> sampleProviders()
{
    ProviderSettings linkedin = settingsOf("linkedin", ConfigOrigin::TenantOverride);
    linkedin.enabled = true;
    linkedin.clientId = QStringLiteral("78abc-linkedin");
    linkedin.hasClientSecret = true;
    linkedin.hostDefaultExists = true;
    linkedin.enabledScopes << QStringLiteral("w_member_social");
    ProviderSettings x = settingsOf("x", ConfigOrigin::HostDefault);
    x.clientId = QStringLiteral("x-client");
    x.redirectPort = 8765;
    ProviderSettings youtube = settingsOf("youtube", ConfigOrigin::NotConfigured);
    return {linkedin, x, youtube};
}

} // namespace

class TestProviderConfigPage final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void listsEveryProviderWithItsState();
    void editorShowsTheSelectedProvider();
    void theSecretIsNeverShown();
    void defaultScopesStayOnAndApprovalOnlyIsMarked();
    void fixedPortProviderOffersOnlyItsPort();
    void endpointOverridesAreCollapsedByDefault();
    void saveSendsWhatTheEditorShows();
    void problemsAppearAtTheirFields_data();
    void problemsAppearAtTheirFields();
    void useHostDefaultOnlyForTheTenantsOwnSettings();
    void hostUserSeesTheHostDefault();
    void testResultsAppearInline();
    void resultsForAnotherProviderAreNotShown();
    void editingTheFormClearsTheResults_data();
    void editingTheFormClearsTheResults();
    void anAnswerAboutEditedValuesIsDropped();
    void reloadKeepsTheSelection();
    void noProvidersExplainsWhy();

private:
    template<typename T> T *child(const QString &name) const
    {
        T *found = m_page->findChild<T *>(name);
        if (!found)
            qWarning("no child named %s", qPrintable(name));
        return found;
    }
    QLineEdit *endpointEdit(ProviderField field) const
    {
        return child<QLineEdit>(QStringLiteral("endpointEdit_%1").arg(static_cast<int>(field)));
    }
    QLabel *errorLabel(ProviderField field) const
    {
        return child<QLabel>(QStringLiteral("fieldError_%1").arg(static_cast<int>(field)));
    }

    std::unique_ptr<ProviderConfigPage> m_page;
};

void TestProviderConfigPage::initTestCase()
{
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestProviderConfigPage::init()
{
    m_page = std::make_unique<ProviderConfigPage>();
    m_page->setProviders(sampleProviders());
    m_page->resize(820, 1100);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestProviderConfigPage::cleanup()
{
    m_page.reset();
}

void TestProviderConfigPage::listsEveryProviderWithItsState()
{
    QCOMPARE(child<QLabel>(QStringLiteral("pageTitle"))->text(), QStringLiteral("Providers"));
    QCOMPARE(child<QListWidget>(QStringLiteral("providerConfigList"))->count(), 3);
    QCOMPARE(child<QLabel>(QStringLiteral("entryState_linkedin"))->text(),
             QStringLiteral("Enabled · this tenant"));
    QCOMPARE(child<QLabel>(QStringLiteral("entryState_x"))->text(),
             QStringLiteral("Disabled · host default"));
    QCOMPARE(child<QLabel>(QStringLiteral("entryState_youtube"))->text(),
             QStringLiteral("Not configured"));
    QCOMPARE(m_page->selectedProvider(), QStringLiteral("linkedin"));
}

void TestProviderConfigPage::editorShowsTheSelectedProvider()
{
    QCOMPARE(child<QLabel>(QStringLiteral("editorProviderName"))->text(),
             QStringLiteral("LinkedIn"));
    QCOMPARE(child<QLabel>(QStringLiteral("protocolChip"))->text(),
             QStringLiteral("OpenID Connect"));
    QCOMPARE(child<QLabel>(QStringLiteral("stateChip"))->text(), QStringLiteral("Enabled"));
    QVERIFY(child<QCheckBox>(QStringLiteral("enabledCheck"))->isChecked());
    QCOMPARE(child<QLineEdit>(QStringLiteral("clientIdEdit"))->text(),
             QStringLiteral("78abc-linkedin"));
    QCOMPARE(child<QLabel>(QStringLiteral("originTitle"))->text(),
             QStringLiteral("This tenant's own settings"));

    m_page->selectProvider(QStringLiteral("x"));
    QCOMPARE(child<QLabel>(QStringLiteral("editorProviderName"))->text(), QStringLiteral("X"));
    QCOMPARE(child<QLabel>(QStringLiteral("protocolChip"))->text(), QStringLiteral("OAuth 2.0"));
    QCOMPARE(child<QLabel>(QStringLiteral("stateChip"))->text(), QStringLiteral("Disabled"));
    QVERIFY(!child<QCheckBox>(QStringLiteral("enabledCheck"))->isChecked());
    QCOMPARE(child<QLabel>(QStringLiteral("originTitle"))->text(),
             QStringLiteral("From the host default"));
    QCOMPARE(child<QLabel>(QStringLiteral("originText"))->text(),
             QStringLiteral("Saving creates this tenant's own settings from these values."));
}

void TestProviderConfigPage::theSecretIsNeverShown()
{
    auto *secret = child<QLineEdit>(QStringLiteral("clientSecretEdit"));
    QCOMPARE(secret->echoMode(), QLineEdit::Password);
    QVERIFY(secret->text().isEmpty());
    QCOMPARE(secret->placeholderText(), QStringLiteral("Saved — type a new secret to replace it"));
    QCOMPARE(child<QLabel>(QStringLiteral("clientSecretHint"))->text(),
             QStringLiteral("A client secret is saved. It is never shown; what you type here "
                            "replaces it when you save."));
    // What was typed is never carried to another provider, nor kept over a reload.
    QTest::keyClicks(secret, QStringLiteral("typed-but-not-saved"));
    m_page->selectProvider(QStringLiteral("youtube"));
    QVERIFY(secret->text().isEmpty());
    QCOMPARE(secret->placeholderText(), QStringLiteral("Not saved"));
    m_page->selectProvider(QStringLiteral("linkedin"));
    QVERIFY(secret->text().isEmpty());
    QTest::keyClicks(secret, QStringLiteral("typed-again"));
    m_page->setProviders(sampleProviders());
    QVERIFY(secret->text().isEmpty());
}

void TestProviderConfigPage::defaultScopesStayOnAndApprovalOnlyIsMarked()
{
    auto *openid = child<QCheckBox>(QStringLiteral("scopeCheck_openid"));
    QVERIFY(openid->isChecked());
    QVERIFY(!openid->isEnabled());
    auto *member = child<QCheckBox>(QStringLiteral("scopeCheck_w_member_social"));
    QVERIFY(member->isChecked() && member->isEnabled());
    auto *organization = child<QCheckBox>(QStringLiteral("scopeCheck_r_organization_social"));
    QVERIFY(!organization->isChecked() && organization->isEnabled());
    const auto chips = organization->parentWidget()->findChildren<QLabel *>();
    const auto approval = std::find_if(chips.cbegin(), chips.cend(), [](const QLabel *label) {
        return label->text() == u"Approved apps only";
    });
    QVERIFY(approval != chips.cend());
    QCOMPARE((*approval)->toolTip(),
             QStringLiteral("LinkedIn grants this scope only to apps it has approved for it."));
    const auto memberChips = member->parentWidget()->findChildren<QLabel *>();
    QVERIFY(memberChips.isEmpty()); // neither default nor approval-only
    QVERIFY(child<QLabel>(QStringLiteral("scopeHint"))->isVisible());

    // Mastodon has no approval-only scope: no note about them.
    ProviderSettings mastodon = settingsOf("mastodon", ConfigOrigin::NotConfigured);
    m_page->setProviders({mastodon});
    QVERIFY(!child<QLabel>(QStringLiteral("scopeHint"))->isVisible());
}

void TestProviderConfigPage::fixedPortProviderOffersOnlyItsPort()
{
    auto *any = child<QRadioButton>(QStringLiteral("anyPortRadio"));
    auto *fixed = child<QRadioButton>(QStringLiteral("fixedPortRadio"));
    auto *port = child<QSpinBox>(QStringLiteral("redirectPortSpin"));
    QVERIFY(any->isChecked() && any->isEnabled());
    QVERIFY(!port->isVisible());

    m_page->selectProvider(QStringLiteral("x"));
    QVERIFY(!any->isEnabled());
    QVERIFY(fixed->isChecked());
    QVERIFY(port->isVisible());
    QCOMPARE(port->value(), 8765);
    QCOMPARE(child<QLabel>(QStringLiteral("redirectHint"))->text(),
             QStringLiteral("X accepts only the redirect address registered with it: "
                            "http://127.0.0.1:8765/api/integrations/social/callback"));
    QCOMPARE(m_page->edit().redirectPort, 8765);
}

void TestProviderConfigPage::endpointOverridesAreCollapsedByDefault()
{
    QVERIFY(!m_page->endpointsExpanded());
    QVERIFY(!endpointEdit(ProviderField::TokenEndpoint)->isVisible());
    QCOMPARE(child<QLabel>(QStringLiteral("endpointSummary"))->text(),
             QStringLiteral("The catalogue's addresses are used."));
    QTest::mouseClick(child<QToolButton>(QStringLiteral("endpointToggle")), Qt::LeftButton);
    QVERIFY(m_page->endpointsExpanded());
    QVERIFY(endpointEdit(ProviderField::TokenEndpoint)->isVisible());
    QLineEdit *token = endpointEdit(ProviderField::TokenEndpoint);
    QCOMPARE(token->placeholderText(),
             QStringLiteral("https://www.linkedin.com/oauth/v2/accessToken"));
    QTest::keyClicks(token, QStringLiteral("https://idp.example/token"));
    QCOMPARE(child<QLabel>(QStringLiteral("endpointSummary"))->text(),
             QStringLiteral("1 address differs from the catalogue's."));
    // Repeating the catalogue's address is no difference.
    QLineEdit *issuer = endpointEdit(ProviderField::Issuer);
    QTest::keyClicks(issuer, QStringLiteral("https://www.linkedin.com/oauth"));
    QCOMPARE(child<QLabel>(QStringLiteral("endpointSummary"))->text(),
             QStringLiteral("1 address differs from the catalogue's."));
    QTest::keyClicks(issuer, QStringLiteral("/v2"));
    QCOMPARE(child<QLabel>(QStringLiteral("endpointSummary"))->text(),
             QStringLiteral("2 addresses differ from the catalogue's."));
    // Another provider starts collapsed again.
    m_page->selectProvider(QStringLiteral("x"));
    QVERIFY(!m_page->endpointsExpanded());
    QVERIFY(!endpointEdit(ProviderField::Issuer)->isVisible());
}

void TestProviderConfigPage::saveSendsWhatTheEditorShows()
{
    QSignalSpy saved(m_page.get(), &ProviderConfigPage::saveRequested);
    auto *clientId = child<QLineEdit>(QStringLiteral("clientIdEdit"));
    clientId->clear();
    QTest::keyClicks(clientId, QStringLiteral("new-client"));
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("clientSecretEdit")),
                     QStringLiteral("new-secret"));
    child<QCheckBox>(QStringLiteral("scopeCheck_r_organization_social"))->setChecked(true);
    child<QCheckBox>(QStringLiteral("scopeCheck_w_member_social"))->setChecked(false);
    child<QRadioButton>(QStringLiteral("fixedPortRadio"))->setChecked(true);
    child<QSpinBox>(QStringLiteral("redirectPortSpin"))->setValue(9123);
    endpointEdit(ProviderField::Issuer)->setText(QStringLiteral("https://idp.example"));
    QTest::mouseClick(child<QPushButton>(QStringLiteral("saveProviderButton")), Qt::LeftButton);

    QCOMPARE(saved.size(), 1);
    const auto edit = saved.first().first().value<ProviderEdit>();
    QCOMPARE(edit.providerKey, QStringLiteral("linkedin"));
    QCOMPARE(edit.shownOrigin, ConfigOrigin::TenantOverride);
    QCOMPARE(edit.shownStamp, kStamp);
    QVERIFY(edit.enabled);
    QCOMPARE(edit.clientId, QStringLiteral("new-client"));
    QCOMPARE(edit.clientSecret, QByteArray("new-secret"));
    QCOMPARE(edit.enabledScopes,
             (QStringList{u"openid"_qs, u"profile"_qs, u"email"_qs, u"r_organization_social"_qs}));
    QCOMPARE(edit.redirectPort, 9123);
    QCOMPARE(edit.endpointOverrides.issuer, QStringLiteral("https://idp.example"));
    QVERIFY(edit.endpointOverrides.token.isEmpty());

    // Enter in the client id saves too.
    QTest::keyClick(clientId, Qt::Key_Return);
    QCOMPARE(saved.size(), 2);
}

void TestProviderConfigPage::problemsAppearAtTheirFields_data()
{
    QTest::addColumn<ProviderField>("field");
    QTest::addColumn<bool>("inEndpoints");
    QTest::newRow("client-id") << ProviderField::ClientId << false;
    QTest::newRow("scopes") << ProviderField::Scopes << false;
    QTest::newRow("redirect-port") << ProviderField::RedirectPort << false;
    QTest::newRow("token-endpoint") << ProviderField::TokenEndpoint << true;
    QTest::newRow("issuer") << ProviderField::Issuer << true;
}

void TestProviderConfigPage::problemsAppearAtTheirFields()
{
    QFETCH(ProviderField, field);
    QFETCH(bool, inEndpoints);
    const QString text = QStringLiteral("What is wrong here, in words.");
    m_page->showFieldProblems({{field, text}});
    QLabel *error = errorLabel(field);
    QVERIFY(error);
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), text);
    QCOMPARE(m_page->fieldError(field), text);
    // A mistake is never hidden in the collapsed section.
    QCOMPARE(m_page->endpointsExpanded(), inEndpoints);
    QCOMPARE(endpointEdit(ProviderField::TokenEndpoint)->isVisible(), inEndpoints);
    QVERIFY(m_page->message().isEmpty()); // inline, not a page-level strip
    // Saving again starts from a clean form.
    QTest::mouseClick(child<QPushButton>(QStringLiteral("saveProviderButton")), Qt::LeftButton);
    QVERIFY(m_page->fieldError(field).isEmpty());
}

void TestProviderConfigPage::useHostDefaultOnlyForTheTenantsOwnSettings()
{
    auto *useHost = child<QPushButton>(QStringLiteral("useHostDefaultButton"));
    QVERIFY(useHost->isVisible());
    QSignalSpy requested(m_page.get(), &ProviderConfigPage::useHostDefaultRequested);
    QTest::mouseClick(useHost, Qt::LeftButton);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().at(0).toString(), QStringLiteral("linkedin"));
    QCOMPARE(requested.first().at(1).toString(), kStamp);
    m_page->selectProvider(QStringLiteral("x"));
    QVERIFY(!useHost->isVisible());
    m_page->selectProvider(QStringLiteral("youtube"));
    QVERIFY(!useHost->isVisible());
}

void TestProviderConfigPage::hostUserSeesTheHostDefault()
{
    ProviderSettings linkedin = settingsOf("linkedin", ConfigOrigin::HostDefault, true);
    m_page->setProviders({linkedin, settingsOf("x", ConfigOrigin::NotConfigured, true)});
    QVERIFY(!child<QPushButton>(QStringLiteral("useHostDefaultButton"))->isVisible());
    QCOMPARE(child<QLabel>(QStringLiteral("originTitle"))->text(), QStringLiteral("Host default"));
    // No origin suffix in the list: on the host every row is the host default.
    QCOMPARE(child<QLabel>(QStringLiteral("entryState_linkedin"))->text(),
             QStringLiteral("Disabled"));
    m_page->selectProvider(QStringLiteral("x"));
    QCOMPARE(child<QLabel>(QStringLiteral("originTitle"))->text(),
             QStringLiteral("Not configured yet"));
}

void TestProviderConfigPage::testResultsAppearInline()
{
    QSignalSpy requested(m_page.get(), &ProviderConfigPage::testRequested);
    auto *test = child<QPushButton>(QStringLiteral("testConfigurationButton"));
    QTest::mouseClick(test, Qt::LeftButton);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().first().value<ProviderEdit>().providerKey,
             QStringLiteral("linkedin"));

    m_page->showTesting();
    auto *panel = child<QWidget>(QStringLiteral("configCheckPanel"));
    QVERIFY(panel->isVisible());
    QVERIFY(child<QProgressBar>(QStringLiteral("checkProgress"))->isVisible());
    QVERIFY(!test->isEnabled());
    QVERIFY(m_page->isTesting());

    const QList<ConfigCheck> checks = {
        {QStringLiteral("Token endpoint"), CheckVerdict::Passed,
         QStringLiteral("Reachable: the server answered HTTP 405."), ProviderField::TokenEndpoint},
        {QStringLiteral("Issuer"), CheckVerdict::Failed,
         QStringLiteral("The discovery document names the issuer <b>x</b>."),
         ProviderField::Issuer}};
    m_page->showTestResults(QStringLiteral("linkedin"), checks);
    QVERIFY(!child<QProgressBar>(QStringLiteral("checkProgress"))->isVisible());
    QVERIFY(test->isEnabled());
    QCOMPARE(child<QLabel>(QStringLiteral("checkSummary"))->text(),
             QStringLiteral("1 check failed. Fix the setting named below and test again."));
    const auto texts = panel->findChildren<QLabel *>(QStringLiteral("checkRowText"));
    QCOMPARE(texts.size(), 2);
    // What a server answered stays inert text.
    QCOMPARE(texts.at(1)->textFormat(), Qt::PlainText);
    QCOMPARE(texts.at(1)->text(), checks.at(1).text);
    QCOMPARE(m_page->testResults().size(), 2);
    QVERIFY(!Testing::saveScreenshot(*m_page, QStringLiteral("provider-config-page")).isEmpty());
}

void TestProviderConfigPage::resultsForAnotherProviderAreNotShown()
{
    QTest::mouseClick(child<QPushButton>(QStringLiteral("testConfigurationButton")),
                      Qt::LeftButton);
    m_page->showTesting();
    m_page->selectProvider(QStringLiteral("x"));
    QVERIFY(!child<QWidget>(QStringLiteral("configCheckPanel"))->isVisible());
    m_page->showTestResults(QStringLiteral("linkedin"),
                            {{QStringLiteral("Token endpoint"), CheckVerdict::Passed,
                              QStringLiteral("Reachable."), ProviderField::TokenEndpoint}});
    QVERIFY(!child<QWidget>(QStringLiteral("configCheckPanel"))->isVisible());
    QVERIFY(child<QPushButton>(QStringLiteral("testConfigurationButton"))->isEnabled());
}

void TestProviderConfigPage::editingTheFormClearsTheResults_data()
{
    QTest::addColumn<QString>("what");
    QTest::newRow("endpoint-override") << QStringLiteral("endpoint");
    QTest::newRow("client-id") << QStringLiteral("clientId");
    QTest::newRow("enabled") << QStringLiteral("enabled");
    QTest::newRow("fixed-port") << QStringLiteral("port");
}

// Results shown under a changed form would vouch for values nobody tested.
void TestProviderConfigPage::editingTheFormClearsTheResults()
{
    QFETCH(QString, what);
    QTest::mouseClick(child<QPushButton>(QStringLiteral("testConfigurationButton")),
                      Qt::LeftButton);
    m_page->showTesting();
    m_page->showTestResults(QStringLiteral("linkedin"),
                            {{QStringLiteral("Token endpoint"), CheckVerdict::Passed,
                              QStringLiteral("Reachable."), ProviderField::TokenEndpoint}});
    auto *panel = child<QWidget>(QStringLiteral("configCheckPanel"));
    QVERIFY(panel->isVisible());

    if (what == u"endpoint") {
        QTest::mouseClick(child<QToolButton>(QStringLiteral("endpointToggle")), Qt::LeftButton);
        QVERIFY(panel->isVisible()); // opening the section changes nothing yet
        QTest::keyClicks(endpointEdit(ProviderField::TokenEndpoint), QStringLiteral("h"));
    } else if (what == u"clientId") {
        QTest::keyClicks(child<QLineEdit>(QStringLiteral("clientIdEdit")), QStringLiteral("x"));
    } else if (what == u"enabled") {
        QTest::mouseClick(child<QCheckBox>(QStringLiteral("enabledCheck")), Qt::LeftButton);
    } else {
        QTest::mouseClick(child<QRadioButton>(QStringLiteral("fixedPortRadio")), Qt::LeftButton);
    }
    QVERIFY(!panel->isVisible());
    QVERIFY(m_page->testResults().isEmpty());
}

void TestProviderConfigPage::anAnswerAboutEditedValuesIsDropped()
{
    QTest::mouseClick(child<QPushButton>(QStringLiteral("testConfigurationButton")),
                      Qt::LeftButton);
    m_page->showTesting();
    QTest::keyClicks(child<QLineEdit>(QStringLiteral("clientIdEdit")), QStringLiteral("x"));
    // Still testing: the progress stays until the answer comes.
    QVERIFY(child<QProgressBar>(QStringLiteral("checkProgress"))->isVisible());
    m_page->showTestResults(QStringLiteral("linkedin"),
                            {{QStringLiteral("Token endpoint"), CheckVerdict::Passed,
                              QStringLiteral("Reachable."), ProviderField::TokenEndpoint}});
    QVERIFY(!child<QWidget>(QStringLiteral("configCheckPanel"))->isVisible());
    QVERIFY(m_page->testResults().isEmpty());
    QVERIFY(child<QPushButton>(QStringLiteral("testConfigurationButton"))->isEnabled());
}

void TestProviderConfigPage::reloadKeepsTheSelection()
{
    m_page->selectProvider(QStringLiteral("youtube"));
    m_page->setProviders(sampleProviders());
    QCOMPARE(m_page->selectedProvider(), QStringLiteral("youtube"));
    QCOMPARE(child<QListWidget>(QStringLiteral("providerConfigList"))->currentRow(), 2);
    m_page->setProviders({settingsOf("x", ConfigOrigin::NotConfigured)});
    QCOMPARE(m_page->selectedProvider(), QStringLiteral("x"));
}

void TestProviderConfigPage::noProvidersExplainsWhy()
{
    m_page->setProviders({});
    QVERIFY(child<QLabel>(QStringLiteral("emptyEditorLabel"))->isVisible());
    QSignalSpy saved(m_page.get(), &ProviderConfigPage::saveRequested);
    QTest::keyClick(child<QLineEdit>(QStringLiteral("clientIdEdit")), Qt::Key_Return);
    QCOMPARE(saved.size(), 0);
}

QTEST_MAIN(TestProviderConfigPage)
#include "tst_providerconfigpage.moc"
