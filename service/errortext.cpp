#include "service/errortext.h"

#include <QCoreApplication>

namespace lantern::service {

QString errorAdvice(Errc code) {
    switch (code) {
    case Errc::FileNotFound: return QCoreApplication::translate("ErrorText", "The model file could not be found. Check that it still exists, or choose another model.");
    case Errc::FileRead: return QCoreApplication::translate("ErrorText", "The model file could not be read. Check that the disk is available and the file is readable.");
    case Errc::GgufInvalid: return QCoreApplication::translate("ErrorText", "This file is not a valid GGUF model, or it is damaged. Download it again.");
    case Errc::GgufUnsupported: return QCoreApplication::translate("ErrorText", "This GGUF file uses a format Lantern cannot read yet. Try another quantization of the model.");
    case Errc::ModelUnsupported: return QCoreApplication::translate("ErrorText", "Lantern cannot run this model yet. Try another model file.");
    case Errc::ModelInvalid: return QCoreApplication::translate("ErrorText", "The model file is incomplete or inconsistent. Download it again.");
    case Errc::NoDevice: return QCoreApplication::translate("ErrorText", "No graphics device that can run models was found. Install a Vulkan driver for your graphics card.");
    case Errc::DeviceLost: return QCoreApplication::translate("ErrorText", "The graphics device stopped responding. Load the model again; if this repeats, try a smaller model.");
    case Errc::OutOfDeviceMemory: return QCoreApplication::translate("ErrorText", "There is not enough graphics memory for this model. Try a smaller quantization or a shorter context in Settings.");
    case Errc::EngineStopped: return QCoreApplication::translate("ErrorText", "Lantern restarted the engine. Retry?");
    case Errc::OutOfHostMemory: return QCoreApplication::translate("ErrorText", "There is not enough memory for this model. Close other programs or try a smaller model.");
    case Errc::VulkanError:
    case Errc::ShaderMissing: return QCoreApplication::translate("ErrorText", "The graphics driver reported a problem. Update the driver or choose another device in Settings.");
    case Errc::TokenizerInvalid:
    case Errc::TemplateError: return QCoreApplication::translate("ErrorText", "This model's tokenizer or chat template cannot be used. Try another build of the model.");
    case Errc::ContextOverflow: return QCoreApplication::translate("ErrorText", "The conversation no longer fits the model's context. Start a new chat or raise the context size in Settings.");
    case Errc::StorageError: return QCoreApplication::translate("ErrorText", "Your conversations could not be saved. Check that the disk is available.");
    case Errc::StorageTooNew: return QCoreApplication::translate("ErrorText", "Your conversations were saved by a newer version of Lantern. Update Lantern to open them.");
    case Errc::DiskFull: return QCoreApplication::translate("ErrorText", "The disk is full. Free some space so Lantern can save your conversations.");
    case Errc::FormatInvalid: return QCoreApplication::translate("ErrorText", "This file could not be read as the document type its name says. Check that it is complete and not damaged.");
    case Errc::FormatUnsupported: return QCoreApplication::translate("ErrorText", "Lantern cannot translate this kind of file yet. Save it as text, Markdown, HTML, subtitles or a localization file.");
    case Errc::ValidationFailed: return QCoreApplication::translate("ErrorText", "The translated file did not pass its check, so it was not written. Your original file is unchanged.");
    case Errc::InvalidArgument: return QCoreApplication::translate("ErrorText", "Lantern was asked to do something it cannot do.");
    case Errc::Cancelled: return QCoreApplication::translate("ErrorText", "Cancelled.");
    case Errc::Internal: break;
    }
    return QCoreApplication::translate("ErrorText", "Something went wrong inside Lantern.");
}

QString describeError(const Error& error) {
    // The engine process's stops read as one message: what happened, then that the engine is back.
    if (error.code == Errc::EngineStopped)
        return QString::fromStdString(error.detail) + QLatin1Char(' ') + errorAdvice(error.code);
    QString text = errorAdvice(error.code);
    if (!error.detail.empty() && error.code != Errc::Cancelled)
        text += QStringLiteral(" (") + QString::fromStdString(error.detail) + QStringLiteral(")");
    return text;
}

}  // namespace lantern::service
