#pragma once

#include "core/service/providerstatus.h"

#include <QColor>
#include <QString>

class QApplication;
class QWidget;

// The look of the product in one place: a light Fusion palette plus style sheets keyed on
// object names and a few dynamic properties ("state", "action", "kind", "card").
namespace EasyCrm::Ui::Theme {

// Fusion with a light palette, whatever the desktop theme, so the state colours stay legible.
void applyAppearance(QApplication &app);

[[nodiscard]] QString pageStyleSheet();
[[nodiscard]] QString windowStyleSheet();

// A calm colour per provider for its initial badge; stable across runs.
[[nodiscard]] QColor badgeColour(const QString &providerKey);

// The "state" value the style sheets colour a connection's state text and dot by.
[[nodiscard]] QString stateName(ConnectionState state);

// Sets a property the style sheets select on and re-applies the style to `widget`.
void setStyleProperty(QWidget *widget, const char *name, const QString &value);

} // namespace EasyCrm::Ui::Theme
