#pragma once

#include "core/service/providersettings.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QRadioButton;
class QScrollArea;
class QSpinBox;
class QToolButton;
class QVBoxLayout;

namespace EasyCrm::Ui {

class ConfigCheckPanel;
class MessageStrip;

// Settings — Social Integration — Providers: every provider with its state on the left, the
// editor of the selected one on the right. Widgets only: it shows what it is given and asks
// through signals; app/ wires them to the provider configuration service.
//
//   Save ─► saveRequested(edit) ─► showFieldProblems(problems) | setProviders(…) + showSaved
//   Test configuration ─► testRequested(edit) ─► showTesting() ─► showTestResults(key, checks)
//   Use host default ─► useHostDefaultRequested(key, stamp) ─► setProviders(…)
//
// The client secret is never shown: the page knows only whether one is saved; what is typed
// into its field replaces it on Save.
class ProviderConfigPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderConfigPage)

public:
    explicit ProviderConfigPage(QWidget *parent = nullptr);
    ~ProviderConfigPage() override;

    // Keeps the selected provider where it is still listed and shows its values in the editor
    // (what was typed there is replaced).
    void setProviders(const QList<ProviderSettings> &providers);
    void selectProvider(const QString &providerKey);
    [[nodiscard]] QString selectedProvider() const;
    [[nodiscard]] const QList<ProviderSettings> &providers() const { return m_providers; }
    // The editor's values for the selected provider, with the version it shows.
    [[nodiscard]] ProviderEdit edit() const;

    [[nodiscard]] QString fieldError(ProviderField field) const;
    [[nodiscard]] QString message() const;
    [[nodiscard]] bool isTesting() const;
    // The endpoint overrides are unfolded.
    [[nodiscard]] bool endpointsExpanded() const;
    [[nodiscard]] QList<ConfigCheck> testResults() const;

signals:
    void saveRequested(const EasyCrm::ProviderEdit &edit);
    void testRequested(const EasyCrm::ProviderEdit &edit);
    void useHostDefaultRequested(const QString &providerKey, const QString &shownStamp);

public slots:
    // Each problem under its field; the first one gets the focus.
    void showFieldProblems(const QList<EasyCrm::FieldProblem> &problems);
    void showSaved(const QString &message);
    void showError(const QString &message);
    void showInfo(const QString &message);
    void showTesting();
    void showTestResults(const QString &providerKey, const QList<EasyCrm::ConfigCheck> &checks);

private:
    void buildHeader(QVBoxLayout *layout);
    QWidget *buildScroll(QWidget *content);
    QWidget *buildProviderList();
    QWidget *buildEditor();
    QWidget *buildEditorHeader(QWidget *card);
    QWidget *buildOriginBar(QWidget *card);
    void addCredentialRows(QFormLayout *form, QWidget *card);
    QWidget *buildScopeField(QWidget *card);
    QWidget *buildRedirectField(QWidget *card);
    QWidget *buildEndpointSection(QWidget *card);
    void addEndpointRows(QFormLayout *form, QWidget *card);
    QWidget *buildButtons(QWidget *card);
    QWidget *withError(ProviderField field, QWidget *input, QWidget *parent);
    QLineEdit *addEndpointRow(QFormLayout *form, ProviderField field, const QString &label,
                              QWidget *parent);

    void rebuildList();
    QWidget *makeListEntry(const ProviderSettings &settings);
    void onCurrentRowChanged(int row);
    void showSelected();
    void showOrigin(const ProviderSettings &settings);
    void showScopes(const ProviderSettings &settings);
    QWidget *makeScopeLine(const ProviderSettings &settings, const ScopeOption &scope);
    void showRedirect(const ProviderSettings &settings);
    void showEndpoints(const ProviderSettings &settings);
    void showSecretState(const ProviderSettings &settings);
    void setEndpointsExpanded(bool expanded);
    void updateEndpointSummary();
    void updateRedirectHint();
    void setFieldError(ProviderField field, const QString &text);
    void clearFieldErrors();
    [[nodiscard]] const ProviderSettings *selected() const;
    void onSaveClicked();
    void onTestClicked();
    void onUseHostDefaultClicked();
    void onFormEdited();

    QList<ProviderSettings> m_providers;
    QString m_selectedKey;
    MessageStrip *m_messageStrip = nullptr;
    QScrollArea *m_scroll = nullptr;
    QListWidget *m_list = nullptr;
    QWidget *m_editor = nullptr;
    QLabel *m_emptyEditor = nullptr;
    QLabel *m_badge = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_protocol = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_originTitle = nullptr;
    QLabel *m_origin = nullptr;
    QPushButton *m_useHostDefault = nullptr;
    QCheckBox *m_enabled = nullptr;
    QLineEdit *m_clientId = nullptr;
    QLineEdit *m_clientSecret = nullptr;
    QLabel *m_secretHint = nullptr;
    QWidget *m_scopeHolder = nullptr;
    QVBoxLayout *m_scopeLayout = nullptr;
    QList<QCheckBox *> m_scopeBoxes;
    QLabel *m_scopeHint = nullptr;
    QButtonGroup *m_portGroup = nullptr;
    QRadioButton *m_anyPort = nullptr;
    QRadioButton *m_fixedPort = nullptr;
    QSpinBox *m_port = nullptr;
    QLabel *m_redirectHint = nullptr;
    QToolButton *m_endpointToggle = nullptr;
    QLabel *m_endpointSummary = nullptr;
    QFormLayout *m_form = nullptr;
    QList<QWidget *> m_endpointRows; // shown with the folded section
    QHash<ProviderField, QLineEdit *> m_endpoints;
    QHash<ProviderField, QWidget *> m_inputs;
    QHash<ProviderField, QLabel *> m_errors;
    QPushButton *m_test = nullptr;
    QPushButton *m_save = nullptr;
    ConfigCheckPanel *m_checkPanel = nullptr;
    QString m_testingKey;
    bool m_editedWhileTesting = false;
};

} // namespace EasyCrm::Ui
