<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Welcome to Lantern</source>
        <translation>Willkommen bei Lantern</translation>
    </message>
    <message>
        <source>The model could not be loaded</source>
        <translation>Das Modell konnte nicht geladen werden</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Choose another model…</source>
        <translation>Anderes Modell wählen…</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Loading %1: %2</source>
        <translation>%1 wird geladen: %2</translation>
    </message>
    <message>
        <source>Loading progress</source>
        <translation>Ladefortschritt</translation>
    </message>
</context>
<context>
    <name>CodeBlock</name>
    <message>
        <source>%1 code</source>
        <translation>%1-Code</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Code kopieren</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message Lantern…  (Enter sends, Shift+Enter for a new line)</source>
        <translation>Nachricht an Lantern…  (Eingabe sendet, Umschalt+Eingabe für eine neue Zeile)</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Context used</source>
        <translation>Belegter Kontext</translation>
    </message>
    <message>
        <source>about %1 / %2 tokens</source>
        <translation>etwa %1 / %2 Token</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 Token</translation>
    </message>
    <message>
        <source>Too long: the oldest messages will be left out (the system prompt is kept).</source>
        <translation>Zu lang: Die ältesten Nachrichten werden weggelassen (der Systemprompt bleibt erhalten).</translation>
    </message>
    <message>
        <source>Nearly full: soon the oldest messages will be left out.</source>
        <translation>Fast voll: Bald werden die ältesten Nachrichten weggelassen.</translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <source>%1, pinned</source>
        <translation>%1, angeheftet</translation>
    </message>
    <message>
        <source>New title</source>
        <translation>Neuer Titel</translation>
    </message>
    <message>
        <source>More actions for “%1”</source>
        <translation>Weitere Aktionen für „%1“</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Lösen</translation>
    </message>
    <message>
        <source>Pin to top</source>
        <translation>Oben anheften</translation>
    </message>
    <message>
        <source>Unarchive</source>
        <translation>Aus dem Archiv holen</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archivieren</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>What can I help with?</source>
        <translation>Wobei kann ich helfen?</translation>
    </message>
    <message>
        <source>%1 runs entirely on this computer. Nothing you write leaves it.</source>
        <translation>%1 läuft vollständig auf diesem Computer. Nichts, was Sie schreiben, verlässt ihn.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message>
        <source>Everything runs on this computer. Nothing you write leaves it.</source>
        <translation>Alles läuft auf diesem Computer. Nichts, was Sie schreiben, verlässt ihn.</translation>
    </message>
    <message>
        <source>Explain how a hash map works, with a short C++ example.</source>
        <translation>Erkläre, wie eine Hashtabelle funktioniert, mit einem kurzen C++-Beispiel.</translation>
    </message>
    <message>
        <source>Write a polite email declining a meeting.</source>
        <translation>Schreibe eine höfliche E-Mail, die ein Treffen absagt.</translation>
    </message>
    <message>
        <source>Summarize the plot of Hamlet in five sentences.</source>
        <translation>Fasse die Handlung von Hamlet in fünf Sätzen zusammen.</translation>
    </message>
    <message>
        <source>Give me three ideas for a weekend project.</source>
        <translation>Gib mir drei Ideen für ein Wochenendprojekt.</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>The model file could not be found. Check that it still exists, or choose another model.</source>
        <translation>Die Modelldatei wurde nicht gefunden. Prüfen Sie, ob sie noch existiert, oder wählen Sie ein anderes Modell.</translation>
    </message>
    <message>
        <source>The model file could not be read. Check that the disk is available and the file is readable.</source>
        <translation>Die Modelldatei konnte nicht gelesen werden. Prüfen Sie, ob der Datenträger verfügbar und die Datei lesbar ist.</translation>
    </message>
    <message>
        <source>This file is not a valid GGUF model, or it is damaged. Download it again.</source>
        <translation>Diese Datei ist kein gültiges GGUF-Modell oder sie ist beschädigt. Laden Sie sie erneut herunter.</translation>
    </message>
    <message>
        <source>This GGUF file uses a format Lantern cannot read yet. Try another quantization of the model.</source>
        <translation>Diese GGUF-Datei verwendet ein Format, das Lantern noch nicht lesen kann. Versuchen Sie eine andere Quantisierung des Modells.</translation>
    </message>
    <message>
        <source>Lantern cannot run this model yet. Try another model file.</source>
        <translation>Lantern kann dieses Modell noch nicht ausführen. Versuchen Sie eine andere Modelldatei.</translation>
    </message>
    <message>
        <source>The model file is incomplete or inconsistent. Download it again.</source>
        <translation>Die Modelldatei ist unvollständig oder inkonsistent. Laden Sie sie erneut herunter.</translation>
    </message>
    <message>
        <source>No graphics device that can run models was found. Install a Vulkan driver for your graphics card.</source>
        <translation>Es wurde kein Grafikgerät gefunden, das Modelle ausführen kann. Installieren Sie einen Vulkan-Treiber für Ihre Grafikkarte.</translation>
    </message>
    <message>
        <source>The graphics device stopped responding. Load the model again; if this repeats, try a smaller model.</source>
        <translation>Das Grafikgerät reagiert nicht mehr. Laden Sie das Modell erneut; wenn das wieder passiert, versuchen Sie ein kleineres Modell.</translation>
    </message>
    <message>
        <source>There is not enough graphics memory for this model. Try a smaller quantization or a shorter context in Settings.</source>
        <translation>Für dieses Modell reicht der Grafikspeicher nicht. Versuchen Sie eine kleinere Quantisierung oder einen kürzeren Kontext in den Einstellungen.</translation>
    </message>
    <message>
        <source>There is not enough memory for this model. Close other programs or try a smaller model.</source>
        <translation>Für dieses Modell reicht der Arbeitsspeicher nicht. Schließen Sie andere Programme oder versuchen Sie ein kleineres Modell.</translation>
    </message>
    <message>
        <source>The graphics driver reported a problem. Update the driver or choose another device in Settings.</source>
        <translation>Der Grafiktreiber hat ein Problem gemeldet. Aktualisieren Sie den Treiber oder wählen Sie in den Einstellungen ein anderes Gerät.</translation>
    </message>
    <message>
        <source>This model&apos;s tokenizer or chat template cannot be used. Try another build of the model.</source>
        <translation>Der Tokenizer oder die Chatvorlage dieses Modells ist nicht verwendbar. Versuchen Sie eine andere Fassung des Modells.</translation>
    </message>
    <message>
        <source>The conversation no longer fits the model&apos;s context. Start a new chat or raise the context size in Settings.</source>
        <translation>Die Unterhaltung passt nicht mehr in den Kontext des Modells. Beginnen Sie einen neuen Chat oder erhöhen Sie die Kontextgröße in den Einstellungen.</translation>
    </message>
    <message>
        <source>Your conversations could not be saved. Check that the disk is available.</source>
        <translation>Ihre Unterhaltungen konnten nicht gespeichert werden. Prüfen Sie, ob der Datenträger verfügbar ist.</translation>
    </message>
    <message>
        <source>Your conversations were saved by a newer version of Lantern. Update Lantern to open them.</source>
        <translation>Ihre Unterhaltungen wurden von einer neueren Lantern-Version gespeichert. Aktualisieren Sie Lantern, um sie zu öffnen.</translation>
    </message>
    <message>
        <source>The disk is full. Free some space so Lantern can save your conversations.</source>
        <translation>Der Datenträger ist voll. Geben Sie Speicherplatz frei, damit Lantern Ihre Unterhaltungen speichern kann.</translation>
    </message>
    <message>
        <source>Lantern was asked to do something it cannot do.</source>
        <translation>Lantern wurde um etwas gebeten, das es nicht kann.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Something went wrong inside Lantern.</source>
        <translation>In Lantern ist etwas schiefgegangen.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>%1 – Lantern</source>
        <translation>%1 – Lantern</translation>
    </message>
    <message>
        <source>Lantern</source>
        <translation>Lantern</translation>
    </message>
    <message>
        <source>Use the light theme</source>
        <translation>Helles Design verwenden</translation>
    </message>
    <message>
        <source>Use the dark theme</source>
        <translation>Dunkles Design verwenden</translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation>Einstellungen (Strg+,)</translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message>
        <source>Previous version</source>
        <translation>Vorherige Fassung</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Version %1 of %2</source>
        <translation>Fassung %1 von %2</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Nächste Fassung</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>Nachricht kopieren</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Edit message (keeps the current version as a branch)</source>
        <translation>Nachricht bearbeiten (die aktuelle Fassung bleibt als Zweig erhalten)</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Neu erzeugen</translation>
    </message>
    <message>
        <source>Write a new answer (keeps this one as a branch)</source>
        <translation>Neue Antwort schreiben (diese bleibt als Zweig erhalten)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete this message and everything after it on this branch</source>
        <translation>Diese Nachricht und alles danach in diesem Zweig löschen</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>You said</source>
        <translation>Sie schrieben</translation>
    </message>
    <message>
        <source>Lantern answered</source>
        <translation>Lantern antwortete</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Denkt nach…</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Angehalten.</translation>
    </message>
    <message>
        <source>This answer was interrupted when Lantern closed.</source>
        <translation>Diese Antwort wurde unterbrochen, als Lantern geschlossen wurde.</translation>
    </message>
</context>
<context>
    <name>MessageEditor</name>
    <message>
        <source>Edit message</source>
        <translation>Nachricht bearbeiten</translation>
    </message>
    <message>
        <source>Saving keeps the current version as another branch.</source>
        <translation>Beim Speichern bleibt die aktuelle Fassung als weiterer Zweig erhalten.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>Modell wählen</translation>
    </message>
    <message>
        <source>Models in %1</source>
        <translation>Modelle in %1</translation>
    </message>
    <message>
        <source>No GGUF files in this folder yet.</source>
        <translation>In diesem Ordner gibt es noch keine GGUF-Dateien.</translation>
    </message>
    <message>
        <source>Open GGUF…</source>
        <translation>GGUF öffnen…</translation>
    </message>
    <message>
        <source>Open a GGUF model file</source>
        <translation>Eine GGUF-Modelldatei öffnen</translation>
    </message>
    <message>
        <source>Loading progress</source>
        <translation>Ladefortschritt</translation>
    </message>
    <message>
        <source>Running on %1. %2</source>
        <translation>Läuft auf %1. %2</translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation>Kein Modell geladen.</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>Ein GGUF-Modell öffnen</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
</context>
<context>
    <name>ServerChip</name>
    <message>
        <source>API server on :%1</source>
        <translation>API-Server an :%1</translation>
    </message>
    <message>
        <source>API server not running</source>
        <translation>API-Server läuft nicht</translation>
    </message>
    <message>
        <source>API server running at %1. Open its settings.</source>
        <translation>API-Server läuft unter %1. Einstellungen öffnen.</translation>
    </message>
    <message>
        <source>API server could not start: %1 Open its settings.</source>
        <translation>API-Server konnte nicht starten: %1 Einstellungen öffnen.</translation>
    </message>
    <message>
        <source>Other programs can use the loaded model at %1. Click to change or turn off.</source>
        <translation>Andere Programme können das geladene Modell unter %1 nutzen. Klicken zum Ändern oder Ausschalten.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Design</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>Schriftgröße</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Unterhaltung</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Systemprompt</translation>
    </message>
    <message>
        <source>Optional instructions the model sees before every new chat</source>
        <translation>Optionale Anweisungen, die das Modell vor jedem neuen Chat sieht</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>Antworten</translation>
    </message>
    <message>
        <source>Sampling preset for this model</source>
        <translation>Sampling-Voreinstellung für dieses Modell</translation>
    </message>
    <message>
        <source>Precise – focused, repeatable</source>
        <translation>Präzise – fokussiert, wiederholbar</translation>
    </message>
    <message>
        <source>Balanced</source>
        <translation>Ausgewogen</translation>
    </message>
    <message>
        <source>Creative – more varied</source>
        <translation>Kreativ – abwechslungsreicher</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Context size</source>
        <translation>Kontextgröße</translation>
    </message>
    <message>
        <source>Context size in tokens</source>
        <translation>Kontextgröße in Token</translation>
    </message>
    <message>
        <source>2,048 tokens</source>
        <translation>2.048 Token</translation>
    </message>
    <message>
        <source>4,096 tokens</source>
        <translation>4.096 Token</translation>
    </message>
    <message>
        <source>8,192 tokens</source>
        <translation>8.192 Token</translation>
    </message>
    <message>
        <source>16,384 tokens</source>
        <translation>16.384 Token</translation>
    </message>
    <message>
        <source>32,768 tokens</source>
        <translation>32.768 Token</translation>
    </message>
    <message>
        <source>As large as the model allows</source>
        <translation>So groß, wie das Modell erlaubt</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose the model folder</source>
        <translation>Modellordner wählen</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Automatic (a graphics card if there is one, else the CPU)</source>
        <translation>Automatisch (eine Grafikkarte, falls vorhanden, sonst der Prozessor)</translation>
    </message>
    <message>
        <source>Device: cpu, vulkan, or a graphics device&apos;s index or part of its name</source>
        <translation>Gerät: cpu, vulkan oder Nummer bzw. Teil des Namens eines Grafikgeräts</translation>
    </message>
    <message>
        <source>In use: %1. Context size and device apply the next time a model loads.</source>
        <translation>In Verwendung: %1. Kontextgröße und Gerät gelten ab dem nächsten Laden eines Modells.</translation>
    </message>
    <message>
        <source>Context size and device apply the next time a model loads.</source>
        <translation>Kontextgröße und Gerät gelten ab dem nächsten Laden eines Modells.</translation>
    </message>
    <message>
        <source>Longest answer</source>
        <translation>Längste Antwort</translation>
    </message>
    <message>
        <source>Longest answer in tokens</source>
        <translation>Längste Antwort in Tokens</translation>
    </message>
    <message>
        <source>256 tokens (a paragraph)</source>
        <translation>256 Tokens (ein Absatz)</translation>
    </message>
    <message>
        <source>1,024 tokens (a page or two)</source>
        <translation>1.024 Tokens (ein, zwei Seiten)</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Keine Grenze</translation>
    </message>
    <message>
        <source>API server</source>
        <translation>API-Server</translation>
    </message>
    <message>
        <source>Serve the model</source>
        <translation>Modell bereitstellen</translation>
    </message>
    <message>
        <source>Let other programs use the loaded model (OpenAI-compatible API)</source>
        <translation>Andere Programme dürfen das geladene Modell nutzen (OpenAI-kompatible API)</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>API server port</source>
        <translation>Port des API-Servers</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Required for other devices</source>
        <translation>Für andere Geräte erforderlich</translation>
    </message>
    <message>
        <source>Optional on this computer</source>
        <translation>Auf diesem Computer optional</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Generate a new API key</source>
        <translation>Neuen API-Schlüssel erzeugen</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Basis-URL</translation>
    </message>
    <message>
        <source>API server base URL</source>
        <translation>Basis-URL des API-Servers</translation>
    </message>
    <message>
        <source>Off. When on, programs that speak OpenAI's API use the model loaded here, taking turns with the chat.</source>
        <translation>Aus. Eingeschaltet nutzen Programme, die OpenAIs API sprechen, das hier geladene Modell – abwechselnd mit dem Chat.</translation>
    </message>
    <message>
        <source>On: other devices on the network with the key use the model loaded here, taking turns with the chat.</source>
        <translation>An: Andere Geräte im Netzwerk nutzen mit dem Schlüssel das hier geladene Modell – abwechselnd mit dem Chat.</translation>
    </message>
    <message>
        <source>On: programs on this computer use the model loaded here, taking turns with the chat.</source>
        <translation>An: Programme auf diesem Computer nutzen das hier geladene Modell – abwechselnd mit dem Chat.</translation>
    </message>
    <message>
        <source>They send the key as “Authorization: Bearer KEY”.</source>
        <translation>Sie senden den Schlüssel als „Authorization: Bearer SCHLÜSSEL“.</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <source>Allow other devices on the network</source>
        <translation>Andere Geräte im Netzwerk zulassen</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>+  New chat</source>
        <translation>+  Neuer Chat</translation>
    </message>
    <message>
        <source>Search conversations (Ctrl+K)</source>
        <translation>Unterhaltungen durchsuchen (Strg+K)</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>Unterhaltungen durchsuchen</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>No archived conversations.</source>
        <translation>Keine archivierten Unterhaltungen.</translation>
    </message>
    <message>
        <source>Your conversations will appear here.</source>
        <translation>Ihre Unterhaltungen erscheinen hier.</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Suchergebnisse</translation>
    </message>
    <message>
        <source>No matches.</source>
        <translation>Keine Treffer.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Bring the deleted conversation back</source>
        <translation>Die gelöschte Unterhaltung zurückholen</translation>
    </message>
    <message>
        <source>Show archived</source>
        <translation>Archivierte anzeigen</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>Neuer Chat (Strg+N)</translation>
    </message>
</context>
<context>
    <name>ThinkBlock</name>
    <message>
        <source>Reasoning</source>
        <translation>Überlegungen</translation>
    </message>
    <message>
        <source>Reasoning…</source>
        <translation>Überlegungen…</translation>
    </message>
    <message>
        <source>Hide the model&apos;s reasoning</source>
        <translation>Die Überlegungen des Modells ausblenden</translation>
    </message>
    <message>
        <source>Show the model&apos;s reasoning</source>
        <translation>Die Überlegungen des Modells anzeigen</translation>
    </message>
</context>
<context>
    <name>lantern::ui::ChatController</name>
    <message>
        <source>Your conversations cannot be opened, so nothing you write will be saved. %1</source>
        <translation>Ihre Unterhaltungen können nicht geöffnet werden; nichts, was Sie schreiben, wird gespeichert. %1</translation>
    </message>
    <message>
        <source>The conversation is longer than the model&apos;s context, so the %1 oldest messages were left out of this answer. Your system prompt was kept.</source>
        <translation>Die Unterhaltung ist länger als der Kontext des Modells, daher wurden die %1 ältesten Nachrichten für diese Antwort weggelassen. Ihr Systemprompt blieb erhalten.</translation>
    </message>
    <message>
        <source>The answer stopped because the context is full. Start a new chat or raise the context size in Settings.</source>
        <translation>Die Antwort endete, weil der Kontext voll ist. Beginnen Sie einen neuen Chat oder erhöhen Sie die Kontextgröße in den Einstellungen.</translation>
    </message>
    <message>
        <source>Deleted “%1”</source>
        <translation>„%1“ gelöscht</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
</context>
<context>
    <name>lantern::ui::ConversationListModel</name>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>Angeheftet</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Previous 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
</context>
<context>
    <name>lantern::service::ApiServer</name>
    <message>
        <source>Other devices may only use the API server with an API key. Generate a key, or allow only this computer.</source>
        <translation>Andere Geräte dürfen den API-Server nur mit einem API-Schlüssel nutzen. Erzeugen Sie einen Schlüssel, oder erlauben Sie nur diesen Computer.</translation>
    </message>
    <message>
        <source>The API server could not listen on port %1: another program may be using it. Choose another port.</source>
        <translation>Der API-Server konnte Port %1 nicht öffnen: Vielleicht verwendet ihn ein anderes Programm. Wählen Sie einen anderen Port.</translation>
    </message>
    <message>
        <source>This build of Lantern has no API server.</source>
        <translation>Diese Lantern-Version enthält keinen API-Server.</translation>
    </message>
</context>
<context>
    <name>lantern::service::InferenceWorker</name>
    <message>
        <source>No model is loaded. Choose a model in the model menu at the top.</source>
        <translation>Es ist kein Modell geladen. Wählen Sie oben im Modellmenü ein Modell.</translation>
    </message>
</context>
<context>
    <name>lantern::ui::MessageModel</name>
    <message>
        <source>%1 s to first token</source>
        <translation>%1 s bis zum ersten Token</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 Token/s</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 Token</translation>
    </message>
</context>
<context>
    <name>lantern::ui::ModelManager</name>
    <message>
        <source>Uses %1 of graphics memory</source>
        <translation>Belegt %1 Grafikspeicher</translation>
    </message>
    <message>
        <source>Uses %1 of graphics memory, %2 free</source>
        <translation>Belegt %1 Grafikspeicher, %2 frei</translation>
    </message>
    <message>
        <source>Opening the model file</source>
        <translation>Modelldatei wird geöffnet</translation>
    </message>
    <message>
        <source>The model file %1 could not be found. Check that it still exists, or choose another model.</source>
        <translation>Die Modelldatei %1 wurde nicht gefunden. Prüfen Sie, ob sie noch existiert, oder wählen Sie ein anderes Modell.</translation>
    </message>
    <message>
        <source>Reading the model file</source>
        <translation>Modelldatei wird gelesen</translation>
    </message>
    <message>
        <source>Copying the weights to the graphics device</source>
        <translation>Gewichte werden auf das Grafikgerät kopiert</translation>
    </message>
    <message>
        <source>Preparing the compute shaders</source>
        <translation>Compute-Shader werden vorbereitet</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>Wird geladen</translation>
    </message>
    <message>
        <source>No model is installed yet. Put a GGUF model file in %1, or choose Open GGUF… in the model menu.</source>
        <translation>Es ist noch kein Modell installiert. Legen Sie eine GGUF-Modelldatei in %1 ab oder wählen Sie im Modellmenü „GGUF öffnen…“.</translation>
    </message>
    <message>
        <source>(%1 of expert weights stay in system memory, which makes answers slower)</source>
        <translation>(%1 Expertengewichte bleiben im Arbeitsspeicher, dadurch werden Antworten langsamer)</translation>
    </message>
    <message>
        <source>Lantern selected Gemma 3 270M, a small, fast model from Google that runs on any computer. It is a base model, not trained to chat, so its answers are short and often off the mark; for real help choose a larger chat model (Qwen, Llama, Gemma &quot;it&quot;) from the model menu at any time.</source>
        <translation>Lantern hat Gemma 3 270M gewählt, ein kleines, schnelles Modell von Google, das auf jedem Computer läuft. Es ist ein Basismodell, nicht für Chats trainiert: Seine Antworten sind kurz und oft daneben. Für echte Hilfe wählen Sie jederzeit im Modellmenü ein größeres Chat-Modell (Qwen, Llama, Gemma „it“).</translation>
    </message>
    <message>
        <source>Checking whether it fits…</source>
        <translation>Prüfe, ob es passt …</translation>
    </message>
    <message>
        <source>Runs on %1 with part of its experts in system memory (slower): %2</source>
        <translation>Läuft auf %1, ein Teil der Experten bleibt im Arbeitsspeicher (langsamer): %2</translation>
    </message>
    <message>
        <source>Fits on %1: %2 of graphics memory with %3 tokens of context</source>
        <translation>Passt auf %1: %2 Grafikspeicher bei %3 Token Kontext</translation>
    </message>
    <message>
        <source>Fits on %1: %2 of system memory with %3 tokens of context</source>
        <translation>Passt auf %1: %2 Arbeitsspeicher bei %3 Token Kontext</translation>
    </message>
</context>
<context>
    <name>lantern::ui::SearchResultModel</name>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
</context>
</TS>
