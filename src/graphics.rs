//! Which graphics backend the app draws with: Vulkan when a driver answers, else OpenGL through EGL on the window's X display, else one plain message naming what was tried and what to install.

use std::sync::Arc;

use bevy::prelude::*;
use bevy::render::renderer::{
    RenderAdapter, RenderAdapterInfo, RenderDevice, RenderInstance, RenderQueue, WgpuWrapper,
};
use bevy::render::settings::{RenderCreation, WgpuSettings};
use bevy::window::RawHandleWrapper;
use raw_window_handle::{
    DisplayHandle, HandleError, HasDisplayHandle, RawDisplayHandle, XlibDisplayHandle,
};

/// The backend chosen, and how Bevy's renderer is to be created for it.
pub struct Renderer {
    /// What to tell the operator: `Vulkan`, `OpenGL`, or what the environment chose.
    pub backend: String,
    /// For Bevy's `RenderPlugin`.
    pub creation: RenderCreation,
    /// OpenGL through EGL on the X display: windows must name the same display as the
    /// renderer ([`plugin`]).
    pub egl_on_x11: bool,
}

/// Present while the app draws with OpenGL through EGL on the X display.
#[derive(Resource, Debug, Clone, Copy)]
pub struct EglOnX11;

/// The X display as the OpenGL renderer knows it: `$DISPLAY`, with no connection handed over.
fn default_x_display() -> RawDisplayHandle {
    RawDisplayHandle::Xlib(XlibDisplayHandle::new(None, 0))
}

/// While [`EglOnX11`] is present, gives each new window the renderer's display handle.
/// wgpu refuses a surface whose window names another display than its instance; the
/// window's own handle is winit's connection, the renderer's is EGL's connection to the
/// same X server, where window ids are the same.
pub fn plugin(app: &mut App) {
    app.add_systems(Last, share_egl_display.run_if(resource_exists::<EglOnX11>));
}

fn share_egl_display(mut windows: Query<&mut RawHandleWrapper, Added<RawHandleWrapper>>) {
    for mut window in &mut windows {
        window.set_display_handle(default_x_display());
    }
}

/// No backend could draw: each one tried, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoGraphics {
    /// `(backend, why)` in the order tried.
    pub tried: Vec<(&'static str, String)>,
}

impl std::fmt::Display for NoGraphics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tried: Vec<String> = self
            .tried
            .iter()
            .map(|(backend, why)| format!("{backend} ({why})"))
            .collect();
        write!(
            f,
            "the app could not start its graphics: it tried {}.\n\
             Install a graphics driver. On a workstation without a GPU, Mesa's software drivers \
             work: on Debian and Ubuntu, `apt-get install mesa-vulkan-drivers` for Vulkan, or \
             `apt-get install libegl1 libgl1-mesa-dri` for OpenGL.\n\
             The command line works without graphics: silent-slavery --help",
            tried.join(", then ")
        )
    }
}

impl std::error::Error for NoGraphics {}

/// The X display named by `$DISPLAY`, for EGL: Mesa opens its own connection to it, so no
/// pointer is handed over.
#[derive(Debug)]
struct DefaultXDisplay;

impl HasDisplayHandle for DefaultXDisplay {
    fn display_handle(&self) -> Result<DisplayHandle<'_>, HandleError> {
        let raw = default_x_display();
        // SAFETY: an Xlib handle with no display pointer asks EGL for the default display
        // (`$DISPLAY`); it borrows nothing, so it is valid for any lifetime.
        Ok(unsafe { DisplayHandle::borrow_raw(raw) })
    }
}

/// Chooses the renderer: what `WGPU_BACKEND` names, if set (an operator's choice, left to
/// Bevy); else Vulkan if any Vulkan adapter answers; else OpenGL through EGL on the X display.
///
/// # Errors
/// [`NoGraphics`] when neither gives an adapter, naming both and why.
pub fn choose() -> Result<Renderer, NoGraphics> {
    if let Ok(named) = std::env::var("WGPU_BACKEND")
        && !named.is_empty()
    {
        return Ok(Renderer {
            backend: format!("{named} (WGPU_BACKEND)"),
            creation: RenderCreation::Automatic(Box::default()),
            egl_on_x11: false,
        });
    }
    if !cfg!(target_os = "linux") {
        // Elsewhere Bevy's own choice (DirectX 12, Metal or Vulkan) is the right one.
        return Ok(Renderer {
            backend: "the platform's default".into(),
            creation: RenderCreation::Automatic(Box::default()),
            egl_on_x11: false,
        });
    }
    let vulkan = vulkan_adapters();
    if vulkan > 0 {
        return Ok(Renderer {
            backend: "Vulkan".into(),
            creation: RenderCreation::Automatic(Box::new(WgpuSettings {
                backends: Some(wgpu::Backends::VULKAN),
                ..WgpuSettings::default()
            })),
            egl_on_x11: false,
        });
    }
    let no_vulkan = ("Vulkan", "no Vulkan driver answered".to_owned());
    match opengl() {
        Ok((creation, adapter)) => Ok(Renderer {
            backend: format!("OpenGL ({adapter}; no Vulkan driver answered)"),
            creation,
            egl_on_x11: true,
        }),
        Err(why) => Err(NoGraphics {
            tried: vec![no_vulkan, ("OpenGL through EGL", why)],
        }),
    }
}

/// How many Vulkan adapters the loader finds (none when there is no driver, or no loader).
fn vulkan_adapters() -> usize {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::VULKAN,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    bevy::tasks::block_on(instance.enumerate_adapters(wgpu::Backends::VULKAN)).len()
}

/// The OpenGL renderer on the X display, made the way Bevy makes its own: the adapter's
/// limits, no optional features.
/// Returns the renderer and the adapter's name.
fn opengl() -> Result<(RenderCreation, String), String> {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::GL,
        ..wgpu::InstanceDescriptor::new_with_display_handle(Box::new(DefaultXDisplay))
    });
    let adapter = bevy::tasks::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::HighPerformance,
        compatible_surface: None,
        force_fallback_adapter: false,
    }))
    .map_err(|e| {
        bevy::log::debug!("no OpenGL adapter: {e}");
        "no OpenGL driver could be loaded".to_owned()
    })?;
    let info = adapter.get_info();
    let (device, queue) = bevy::tasks::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
        label: Some("silent-slavery OpenGL device"),
        required_limits: adapter.limits(),
        ..wgpu::DeviceDescriptor::default()
    }))
    .map_err(|e| format!("the OpenGL device could not be opened: {e}"))?;
    let name = info.name.clone();
    let creation = RenderCreation::manual(
        RenderDevice::from(device),
        RenderQueue(Arc::new(WgpuWrapper::new(queue))),
        RenderAdapterInfo(WgpuWrapper::new(info)),
        RenderAdapter(Arc::new(WgpuWrapper::new(adapter))),
        RenderInstance(Arc::new(WgpuWrapper::new(instance))),
    );
    Ok((creation, name))
}
